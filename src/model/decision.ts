import { z } from 'zod';
import { STAGES, type Stage } from './stage';

export type Priority = 'hot' | 'warm' | 'cold';
export type FitGrade = string;

export interface Reason {
  /** Plain words a rep understands: "requested a demo", "viewed pricing (3×)". */
  text: string;
  points: number;
}

export interface Transition {
  from: Stage;
  to: Stage;
  reason: string;
  at: string;
}

/** One entry of the audit trail the engine carries forward in the person's state. */
export interface StageHistoryEntry {
  stage: Stage;
  at: string;
  reason: string;
  rulebookVersion: string;
}

export interface Decision {
  personId: string;
  stage: Stage;
  mqlTier: string | null;
  excluded: { rule: string; reason: string } | null;
  fit: { score: number; grade: FitGrade };
  engagement: { score: number };
  score: number;
  priority: Priority;
  reasons: Reason[];
  missingForHandoff: string[];
  /** On the SQL path but held at MQL because `missingForHandoff` is not empty (the marketing owner completes them). */
  heldForHandoff?: boolean;
  transition: Transition | null;
  rulebookVersion: string;
  /** When the person entered MQL / SQL (ISO), kept across evaluations for the CRM's date fields. */
  enteredAt: Partial<Record<Stage, string>>;
  /** Set while the person sits in nurture after a recycle: only later engagement can re-qualify them. */
  recycledAt: string | null;
  history: StageHistoryEntry[];
  /** While SQL: when the follow-up SLA started (the fast-track request, or entering SQL). */
  slaStartAt: string | null;
}

const HistoryEntrySchema = z.object({
  stage: z.enum(STAGES),
  at: z.string(),
  reason: z.string(),
  rulebookVersion: z.string(),
});

/**
 * The previous state the engine accepts: a Decision as it returned it, or the minimum a caller
 * knows (just a stage). Unknown keys are tolerated because a whole Decision is a valid state.
 */
export const PreviousStateSchema = z.looseObject({
  stage: z.enum(STAGES),
  history: z.array(HistoryEntrySchema).optional(),
  enteredAt: z.partialRecord(z.enum(STAGES), z.string()).optional(),
  recycledAt: z.string().nullable().optional(),
  slaStartAt: z.string().nullable().optional(),
});

/** What the engine needs of the previous decision; a whole Decision satisfies it. */
export interface PreviousState {
  stage: Stage;
  history?: StageHistoryEntry[] | undefined;
  enteredAt?: Partial<Record<Stage, string>> | undefined;
  recycledAt?: string | null | undefined;
  slaStartAt?: string | null | undefined;
}
