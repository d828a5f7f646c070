/**
 * The idempotency keys of a handoff and its tasks. A handoff is `<personId>:<sql|mql|held>:<start>`
 * (the first-touch task carries the same key, as it did before handoffs existed); each later task
 * adds what it is, so a retried job reserves the same rows and the CRM connectors find the same task.
 */
export type HandoffTag = 'sql' | 'mql' | 'held';

export function handoffKey(personId: string, tag: HandoffTag, startIso: string): string {
  return `${personId}:${tag}:${startIso}`;
}

/** The stage a handoff follows, from its key ('held' for a held handoff). */
export function handoffTag(key: string): HandoffTag {
  const tag = key.split(':')[1];
  if (tag === 'sql' || tag === 'mql' || tag === 'held') return tag;
  throw new Error(`SLA handoff key ${JSON.stringify(key)} does not name sql, mql or held as its second part`);
}

export function stepTaskKey(key: string, step: number): string {
  return step === 0 ? key : `${key}:step:${step}`;
}

export function escalationTaskKey(key: string): string {
  return `${key}:escalation`;
}
