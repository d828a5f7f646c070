import { Client } from '@hubspot/api-client';

/** What reps see: Leadstage's properties and tasks, read back from the portal through the API. */
export interface PortalFunnel {
  contacts: number;
  byStage: Map<string, Map<string, number>>;
  exclusions: Map<string, number>;
  tasks: number;
  tasksAssociated: number;
  unscored: number;
}

const STAGE_ORDER = ['contact', 'lead', 'mql', 'sql', 'opportunity', 'customer', 'evangelist', 'nurture', 'disqualified'];

export async function readPortalFunnel(basePath: string, accessToken: string): Promise<PortalFunnel> {
  const client = new Client({ accessToken, basePath });
  const funnel: PortalFunnel = { contacts: 0, byStage: new Map(), exclusions: new Map(), tasks: 0, tasksAssociated: 0, unscored: 0 };
  let after: string | undefined;
  do {
    const page = await client.crm.contacts.basicApi.getPage(100, after, ['leadstage_stage', 'leadstage_priority', 'leadstage_reasons']);
    for (const contact of page.results) {
      funnel.contacts++;
      const stage = contact.properties.leadstage_stage;
      if (!stage) {
        funnel.unscored++;
        continue;
      }
      const priority = contact.properties.leadstage_priority ?? 'cold';
      const row = funnel.byStage.get(stage) ?? new Map<string, number>();
      row.set(priority, (row.get(priority) ?? 0) + 1);
      funnel.byStage.set(stage, row);
      if (stage === 'disqualified' || stage === 'nurture') {
        // a detour's first reason is why (the exclusion or the recycle rule), grouped without its details
        const first = (contact.properties.leadstage_reasons ?? '').split('\n')[0]?.replace(/^[+-]?\d+\s+/, '').replace(/\s*\([^)]*\)/g, '') ?? '';
        if (first) funnel.exclusions.set(first, (funnel.exclusions.get(first) ?? 0) + 1);
      }
    }
    after = page.paging?.next?.after;
  } while (after);

  let taskAfter: string | undefined;
  do {
    const page = await client.crm.objects.tasks.basicApi.getPage(100, taskAfter, undefined, undefined, ['contacts']);
    for (const task of page.results) {
      funnel.tasks++;
      if ((task.associations?.contacts?.results?.length ?? 0) > 0) funnel.tasksAssociated++;
    }
    taskAfter = page.paging?.next?.after;
  } while (taskAfter);
  return funnel;
}

/** `people`: what the CRM calls them ("contacts" in HubSpot, "leads + contacts" in Salesforce). */
export function renderFunnel(title: string, funnel: PortalFunnel, people = 'contacts', taskTarget = 'contact'): string[] {
  const lines = [title, ''];
  lines.push(`${'stage'.padEnd(14)}${'hot'.padStart(7)}${'warm'.padStart(7)}${'cold'.padStart(7)}${'total'.padStart(8)}`);
  for (const stage of STAGE_ORDER) {
    const row = funnel.byStage.get(stage);
    if (!row) continue;
    const hot = row.get('hot') ?? 0;
    const warm = row.get('warm') ?? 0;
    const cold = row.get('cold') ?? 0;
    lines.push(`${stage.padEnd(14)}${String(hot).padStart(7)}${String(warm).padStart(7)}${String(cold).padStart(7)}${String(hot + warm + cold).padStart(8)}`);
  }
  lines.push(`${people.padEnd(14)}${String(funnel.contacts).padStart(29)}${funnel.unscored ? `  (${funnel.unscored} not scored)` : ''}`);
  lines.push('', 'Exclusions and detours by reason');
  // most frequent first; equal counts by reason, not by the order the records were read
  for (const [reason, count] of [...funnel.exclusions].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) lines.push(`  ${String(count).padStart(5)}  ${reason}`);
  lines.push('', `Rep tasks created: ${funnel.tasks} (${funnel.tasksAssociated} associated to their ${taskTarget})`);
  return lines;
}
