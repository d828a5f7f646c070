/** The queues and the data each job carries. Never a token or a secret: only ids (DEVELOPERS.md). */
export const QUEUE_NAMES = ['sync', 'score', 'writeback', 'tasks'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface SyncJobData {
  workspaceId: string;
  installationId: string;
  stream: string;
  /** After this stream is caught up, the streams still to pull in this run (a first sync chains them). */
  then: string[];
  /**
   * The "now" of this sync run, fixed when its first page is pulled and carried by every later page:
   * a pass ends at a fixed point, so a stream catches up instead of chasing a clock that moves.
   */
  runNow?: number;
  /**
   * A first sync: people are scored once, when their engagement is already stored (the pages of the
   * connector's last first-sync phase, or everyone at the end), instead of after each page of each
   * stream that mentions them (which would score and write each person several times).
   */
  firstRun?: boolean;
  /** Fired by the installation's job scheduler: skipped while its first sync is still running. */
  scheduled?: boolean;
}

/**
 * One person (an incremental change, de-duplicated per person), a page of people scored together,
 * or the nightly decay rescore of a whole workspace (which queues the pages).
 */
export type ScoreJobData =
  | { workspaceId: string; personId: string }
  | { workspaceId: string; personIds: string[] }
  | { workspaceId: string; rescore: 'decay' };

export interface WritebackJobData {
  workspaceId: string;
  installationId: string;
}

export interface TasksJobData {
  workspaceId: string;
  installationId: string;
}

export interface JobDataByQueue {
  sync: SyncJobData;
  score: ScoreJobData;
  writeback: WritebackJobData;
  tasks: TasksJobData;
}
