/**
 * Lifecycle stages (SPEC.md §2). The funnel is ordered; `nurture` and `disqualified` are detours
 * that sit beside it and are only entered with a reason.
 */
export const FUNNEL_STAGES = ['contact', 'lead', 'mql', 'sql', 'opportunity', 'customer', 'evangelist'] as const;
export const DETOUR_STAGES = ['nurture', 'disqualified'] as const;
export const STAGES = [...FUNNEL_STAGES, ...DETOUR_STAGES] as const;

export type FunnelStage = (typeof FUNNEL_STAGES)[number];
export type DetourStage = (typeof DETOUR_STAGES)[number];
export type Stage = (typeof STAGES)[number];

const FUNNEL_RANK: Record<FunnelStage, number> = {
  contact: 0,
  lead: 1,
  mql: 2,
  sql: 3,
  opportunity: 4,
  customer: 5,
  evangelist: 6,
};

export function isDetour(stage: Stage): stage is DetourStage {
  return stage === 'nurture' || stage === 'disqualified';
}

/** Position in the funnel; detours have no rank. */
export function funnelRank(stage: FunnelStage): number {
  return FUNNEL_RANK[stage];
}

/** Stages that only CRM facts (deals, the CRM's own stage) may set: the engine never invents them. */
export function isCrmOwnedStage(stage: Stage): boolean {
  return stage === 'opportunity' || stage === 'customer' || stage === 'evangelist';
}
