import { openDatabase } from './db';
import type { Database, Session } from './db.types';
import { migrate } from './migrate';
import { plannerStatistics, type PlannerStatistics } from './planner-statistics';
import { CheckpointRepository } from './repositories/checkpoint.repository';
import { ErasureRepository } from './repositories/erasure.repository';
import { EventRepository } from './repositories/event.repository';
import { InstallationRepository } from './repositories/installation.repository';
import { InstallationProblemRepository } from './repositories/installation-problem.repository';
import { MappingRepository } from './repositories/mapping.repository';
import { OutboxRepository } from './repositories/outbox.repository';
import { OwnerRepository } from './repositories/owner.repository';
import { PersonRepository } from './repositories/person.repository';
import { RetentionRepository } from './repositories/retention.repository';
import { RulebookRepository } from './repositories/rulebook.repository';
import { SessionRepository } from './repositories/session.repository';
import { StateRepository } from './repositories/state.repository';
import { TaskRepository } from './repositories/task.repository';
import { SlaRepository } from './repositories/sla.repository';
import { UserRepository } from './repositories/user.repository';
import { WorkspaceRepository } from './repositories/workspace.repository';

export interface Repositories {
  workspaces: WorkspaceRepository;
  installations: InstallationRepository;
  mappings: MappingRepository;
  rulebooks: RulebookRepository;
  people: PersonRepository;
  events: EventRepository;
  state: StateRepository;
  tasks: TaskRepository;
  /** SLA handoffs (SPEC.md §3.10): created by the score job, worked by the sla job. */
  sla: SlaRepository;
  checkpoints: CheckpointRepository;
  outbox: OutboxRepository;
  users: UserRepository;
  sessions: SessionRepository;
  /** Erasure on request and its audit (docs/data-protection.md). */
  erasure: ErasureRepository;
  /** Batched pruning of old rows: use it on the store, outside a transaction. */
  retention: RetentionRepository;
  problems: InstallationProblemRepository;
  /** Each installation's CRM owners and round-robin turns (the SLA's owner directory). */
  owners: OwnerRepository;
}

export interface Store extends Repositories {
  db: Database;
  /** Keeps the planner's statistics current while a first sync grows the tables. */
  statistics: PlannerStatistics;
  /** Runs fn in one transaction with repositories bound to it: all of it commits, or none. */
  transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface CreateStoreOptions {
  /** A PostgreSQL URL (production); without it, PGlite in `dataDir`. Read from the environment by the caller (config), not here. */
  databaseUrl?: string;
  /** PGlite directory, or 'memory'. Default `.data/`. */
  dataDir?: string | 'memory';
  /** pg only: a schema of its own (tests, several deployments on one server). */
  schema?: string;
  /** Default true: apply pending migrations before returning. */
  migrate?: boolean;
}

export function createRepositories(session: Session): Repositories {
  return {
    workspaces: new WorkspaceRepository(session),
    installations: new InstallationRepository(session),
    mappings: new MappingRepository(session),
    rulebooks: new RulebookRepository(session),
    people: new PersonRepository(session),
    events: new EventRepository(session),
    state: new StateRepository(session),
    tasks: new TaskRepository(session),
    sla: new SlaRepository(session),
    checkpoints: new CheckpointRepository(session),
    outbox: new OutboxRepository(session),
    users: new UserRepository(session),
    sessions: new SessionRepository(session),
    erasure: new ErasureRepository(session),
    retention: new RetentionRepository(session),
    problems: new InstallationProblemRepository(session),
    owners: new OwnerRepository(session),
  };
}

/** The app's one entry to its state: an open, migrated database and the repositories on it. */
export async function createStore(options: CreateStoreOptions = {}): Promise<Store> {
  const db = await openDatabase({
    ...(options.databaseUrl ? { url: options.databaseUrl } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.schema ? { schema: options.schema } : {}),
  });
  try {
    if (options.migrate !== false) await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    db,
    statistics: plannerStatistics(db),
    ...createRepositories(db),
    transaction: (fn) => db.transaction((tx) => fn(createRepositories(tx))),
    close: () => db.close(),
  };
}
