/** Reasons as the CRM fields hold them: one a line, cut on a reason boundary to the field's length. */
import { salesforceMappings } from '../../connectors/salesforce/mapping';
import { leadstageField } from '../../connectors/salesforce/schema/leadstage-fields.constant';
import { formatReasons } from '../../connectors/hubspot/write/properties-for';
import { propertiesFor } from '../../connectors/salesforce/write/properties-for';
import type { Decision, Reason } from '../../src/model/decision';
import { reasonLines, reasonLinesWithin } from '../../src/sync/decision-values';

const reasons: Reason[] = [
  { text: 'SLA cadence ended with no outcome', points: 0 },
  { text: 'requested a demo', points: 40 },
  { text: 'viewed pricing (3×)', points: 15 },
  { text: 'unsubscribed', points: -10 },
];

describe('reason lines', () => {
  it('writes points before each reason, and a reason with none (the why of a detour) as a plain statement', () => {
    expect(reasonLines(reasons)).toBe('SLA cadence ended with no outcome\n+40 requested a demo\n+15 viewed pricing (3×)\n-10 unsubscribed');
  });

  it('keeps whole reasons within the limit and marks the cut with "…" on its own line', () => {
    const full = reasonLines(reasons);
    expect(reasonLinesWithin(reasons, full.length)).toBe(full);
    expect(reasonLinesWithin(reasons, undefined)).toBe(full);
    const cut = reasonLinesWithin(reasons, 70);
    expect(cut).toBe('SLA cadence ended with no outcome\n+40 requested a demo\n…');
    expect(cut.length).toBeLessThanOrEqual(70);
    // every line but the mark is a whole reason
    for (const line of cut.split('\n').slice(0, -1)) expect(full.split('\n')).toContain(line);
  });

  it('cuts a first reason longer than the field at a word, never mid-word', () => {
    const cut = reasonLinesWithin(reasons, 20);
    expect(cut).toBe('SLA cadence ended…');
    expect(cut.length).toBeLessThanOrEqual(20);
  });

  it('fits each connector\'s reasons field: HubSpot\'s 65,536 characters, Salesforce\'s LongTextArea(32768)', () => {
    const many: Reason[] = Array.from({ length: 2000 }, (_, i) => ({ text: `viewed product page number ${i} of the catalogue`, points: 1 }));
    const hubspot = formatReasons(many);
    expect(hubspot.length).toBeLessThanOrEqual(65_536);
    expect(hubspot.endsWith('\n…')).toBe(true);
    const limit = leadstageField('Leadstage_Reasons__c')!.length!;
    expect(limit).toBe(32_768);
    const decision = {
      personId: 'p', stage: 'sql', mqlTier: null, excluded: null, fit: { score: 1, grade: 'A' }, engagement: { score: 1 }, score: 1, priority: 'hot',
      reasons: many, missingForHandoff: [], transition: null, rulebookVersion: 'v', enteredAt: {}, recycledAt: null, history: [], slaStartAt: null,
    } as Decision;
    const salesforce = propertiesFor(decision, null, salesforceMappings()).Leadstage_Reasons__c!;
    expect(salesforce.length).toBeLessThanOrEqual(limit);
    expect(salesforce.endsWith('\n…')).toBe(true);
    expect(salesforce.split('\n').slice(0, -1).every((line) => /^\+1 viewed product page number \d+ of the catalogue$/.test(line))).toBe(true);
  });
});
