import type { Queue } from 'bullmq';
import type { QueueName } from '../src/queue/job-data';

/**
 * The demo's clock: stopped at the portals' "now" while people are synced and scored, so every
 * decision, SLA start and due date is the same in every run (not "now plus however long the sync
 * took on this machine"); then running from there, so the writer's gathering and any retry wait as
 * they would in production (a stopped clock would make a retry wait forever).
 */
export class DemoClock {
  private runningSince: number | null = null;

  constructor(private start: number) {}

  readonly now = (): number => (this.runningSince === null ? this.start : this.start + (Date.now() - this.runningSince));

  /** From now on the clock ticks with wall time, from where it stood. */
  run(): void {
    this.runningSince ??= Date.now();
  }

  /**
   * Moves the clock forward to `instant` and stops it there (run() lets it tick again): the SLA
   * act's stops, days apart, each seen at the same instant in every run. Never backwards: a
   * handoff or write already stamped later would see time go back.
   */
  advanceTo(instant: number): void {
    const now = this.now();
    if (instant < now) throw new Error(`the demo clock cannot go back: ${new Date(instant).toISOString()} is before ${new Date(now).toISOString()}`);
    this.start = instant;
    this.runningSince = null;
  }
}

/**
 * The demo runs the first pass in phases, one after the other, so that what each phase sees never
 * depends on how fast the machine is: each system installed and synced (HubSpot, then Salesforce),
 * then everyone scored, then the writes, then the tasks, then the SLA act's stops. Queues are on hold except during their
 * phase: their jobs wait whole, so the writer finds every write ready and sends full batches (100
 * per HubSpot call, 200 per Salesforce collection call), and the task job finds every task at once.
 * A queue goes back on hold when its phase is done, so a periodic job the installs scheduled (the
 * incremental sync every 5 minutes of wall time, the SLA tick every minute, the nightly rescore and
 * retention) that comes due
 * during the pass waits for its end instead of adding to a later phase's calls; `release` ends it.
 */
export class DemoPhases {
  private readonly held = new Set<QueueName>();

  constructor(private readonly queues: Record<QueueName, Queue>) {}

  async hold(names: readonly QueueName[]): Promise<void> {
    for (const name of names) {
      await this.queues[name].pause();
      this.held.add(name);
    }
  }

  /** Lets the queues' jobs run, resolves when none is left to run, and holds them again. */
  async run(names: readonly QueueName[], options: { timeoutMs: number }): Promise<void> {
    for (const name of names) await this.queues[name].resume();
    await this.idle(names, options);
    await this.hold(names);
  }

  /** Jobs of the queue waiting to run (held or not), the next run of its job schedulers aside. */
  async waiting(name: QueueName): Promise<number> {
    const counts = await this.queues[name].getJobCounts('waiting', 'prioritized', 'delayed');
    const schedulers = await this.queues[name].getJobSchedulersCount();
    return (counts.waiting ?? 0) + (counts.prioritized ?? 0) + Math.max(0, (counts.delayed ?? 0) - schedulers);
  }

  /** The first pass is over: every held queue runs from now on. */
  async release(): Promise<void> {
    for (const name of this.held) await this.queues[name].resume();
    this.held.clear();
  }

  /**
   * Resolves when the queues hold no job to run, twice in a row (a finishing job may enqueue the
   * next). The next run of a job scheduler (one delayed job each) is not work of this phase.
   */
  async idle(names: readonly QueueName[], options: { timeoutMs: number; pollMs?: number }): Promise<void> {
    const deadline = Date.now() + options.timeoutMs;
    let quiet = 0;
    for (;;) {
      let busy = 0;
      for (const name of names) {
        const counts = await this.queues[name].getJobCounts('waiting', 'prioritized', 'active', 'delayed');
        const schedulers = await this.queues[name].getJobSchedulersCount();
        busy += (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.active ?? 0) + Math.max(0, (counts.delayed ?? 0) - schedulers);
      }
      quiet = busy > 0 ? 0 : quiet + 1;
      if (quiet >= 2) return;
      if (Date.now() > deadline) throw new Error(`${names.join(', ')} still busy after ${options.timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
    }
  }
}
