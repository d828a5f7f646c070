import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES, type QueueName } from './job-data';

/** All queues on one connection; `prefix` keeps tests and demos apart on a shared Redis. */
export function createQueues(connection: Redis, prefix: string): Record<QueueName, Queue> {
  return Object.fromEntries(QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix })])) as Record<QueueName, Queue>;
}
