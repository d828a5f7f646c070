/** The store's public surface: what the app, jobs and CLI import. */
export { createStore, createRepositories, type Store, type Repositories, type CreateStoreOptions } from './store';
export { openDatabase, DEFAULT_DATA_DIR } from './db';
export type { Database, Session, Queryable, QueryResult, OpenDatabaseOptions } from './db.types';
export { migrate, loadMigrations, findMigrationsDir, type Migration } from './migrate';
export { SecretBox, type Sealed } from './secret-box';
export { StoreError, type StoreErrorCode } from './store-error';
export * from './records';
export type { PersonUpsert, RetiredRecord } from './repositories/person.repository';
export type { EventInsert, InsertEventsResult } from './repositories/event.repository';
export type { ScoringInput } from './repositories/state.repository';
export type { NewTask } from './repositories/task.repository';
export type { OutboxWrite, ClaimOptions, PermanentError } from './repositories/outbox.repository';
export type { PublishResult } from './repositories/rulebook.repository';
export type { Checkpoint } from './repositories/checkpoint.repository';
export type { InstallationProblemRecord, ProblemInput, ProblemScope } from './repositories/installation-problem.repository';
