import { parseRulebook } from '../rulebook/load';
import type { Store } from '../store';
import type { QuarterTargets } from './volume.report';

/**
 * The published rulebook's `sla.targets`, or null (with why) when there is no published rulebook,
 * it sets no targets, or it no longer parses: the volume report then shows counts without a target
 * rather than failing.
 */
export async function rulebookTargets(store: Pick<Store, 'rulebooks'>, workspaceId: string): Promise<{ targets: QuarterTargets | null; note: string | null }> {
  const published = await store.rulebooks.getPublished(workspaceId);
  if (!published) return { targets: null, note: 'no rulebook is published in this workspace: no target to compare with' };
  try {
    const targets = parseRulebook(published.yaml, `rulebook ${published.versionLabel}`).sla.targets;
    if (!targets) return { targets: null, note: `rulebook ${published.versionLabel} sets no sla.targets` };
    return { targets: { mqlPerQuarter: targets.mql_per_quarter, sqlPerQuarter: targets.sql_per_quarter }, note: null };
  } catch (error) {
    return { targets: null, note: `rulebook ${published.versionLabel} does not parse: ${(error as Error).message.split('\n')[0]}` };
  }
}
