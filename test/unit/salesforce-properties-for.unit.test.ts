/** A Decision → Salesforce field values (write/properties-for.ts), in the form the pull reads them back. */
import { salesforceMappings } from '../../connectors/salesforce/mapping';
import { WritableFields } from '../../connectors/salesforce/schema/writable-fields';
import { propertiesFor } from '../../connectors/salesforce/write/properties-for';
import type { Decision } from '../../src/model/decision';

function decision(overrides: Partial<Decision> = {}): Decision {
  return {
    personId: 'p-1', stage: 'sql', mqlTier: 'tier-1', excluded: null, fit: { score: 55.4, grade: 'A' }, engagement: { score: 62.5 },
    score: 117.9, priority: 'hot',
    reasons: [{ text: 'requested a demo', points: 40 }, { text: 'viewed pricing (3×)', points: 15 }, { text: 'unsubscribed', points: -10 }],
    missingForHandoff: [], transition: null, rulebookVersion: '2026.11-default-1',
    enteredAt: { mql: '2026-11-20T10:00:00Z', sql: '2026-11-26T09:30:00+01:00' }, recycledAt: null, history: [], slaStartAt: '2026-11-26T08:30:00Z',
    ...overrides,
  };
}

describe('Salesforce propertiesFor', () => {
  it('writes the Leadstage fields and the Lead Status target of the stage', () => {
    expect(propertiesFor(decision(), { status: 'met late', dueAt: '2026-11-26T09:00:00Z', firstTouchedAt: '2026-11-26T10:00:00Z', nextStep: 'Follow-up email' }, salesforceMappings())).toEqual({
      Leadstage_Stage__c: 'sql',
      Leadstage_Score__c: '118',
      Leadstage_Fit_Score__c: '55',
      Leadstage_Fit_Grade__c: 'A',
      Leadstage_Engagement_Score__c: '63',
      Leadstage_Priority__c: 'hot',
      Leadstage_Reasons__c: '+40 requested a demo\n+15 viewed pricing (3×)\n-10 unsubscribed',
      Leadstage_Rulebook_Version__c: '2026.11-default-1',
      Leadstage_MQL_Date__c: '2026-11-20T10:00:00.000Z',
      Leadstage_SQL_Date__c: '2026-11-26T08:30:00.000Z',
      Leadstage_MQL_Tier__c: 'tier-1',
      Leadstage_SLA_Due__c: '2026-11-26T09:00:00.000Z',
      Leadstage_SLA_Status__c: 'met late',
      Leadstage_SLA_First_Touch__c: '2026-11-26T10:00:00.000Z',
      Leadstage_SLA_Next_Step__c: 'Follow-up email',
      Status: 'Working - Contacted',
    });
  });

  it('leaves out what it does not know, and Status when the stage has no transition', () => {
    const out = propertiesFor(decision({ stage: 'mql', mqlTier: null, enteredAt: {} }), null, salesforceMappings());
    expect(out).not.toHaveProperty('Status');
    expect(out).not.toHaveProperty('Leadstage_SQL_Date__c');
    expect(out).not.toHaveProperty('Leadstage_SLA_Due__c');
    expect(out).not.toHaveProperty('Leadstage_MQL_Tier__c');
    expect(propertiesFor(decision({ stage: 'disqualified' }), null, salesforceMappings()).Status).toBe('Closed - Not Converted');
  });

  it('keeps numbers inside Number(5,0) and text inside its field', () => {
    const out = propertiesFor(decision({ score: 1e9, fit: { score: -0.2, grade: 'ABCDEFG' }, rulebookVersion: 'v'.repeat(60) }), null, salesforceMappings());
    expect(out.Leadstage_Score__c).toBe('99999');
    expect(out.Leadstage_Fit_Score__c).toBe('0');
    expect(out.Leadstage_Fit_Grade__c).toHaveLength(5);
    expect(out.Leadstage_Rulebook_Version__c).toHaveLength(40);
  });

  it('follows the installation\'s mappings (never, another stage value)', () => {
    const mappings = salesforceMappings([
      { objectType: 'lead', canonicalField: 'priority', crmProperty: 'Leadstage_Priority__c', direction: 'write', writePolicy: 'never' },
      { objectType: 'contact', canonicalField: 'priority', crmProperty: 'Leadstage_Priority__c', direction: 'write', writePolicy: 'never' },
    ]);
    expect(propertiesFor(decision(), null, mappings)).not.toHaveProperty('Leadstage_Priority__c');
  });

  it('leaves out a field no object can take (so the change hash says what was written); one object taking it keeps it', () => {
    const writable = new WritableFields();
    writable.mark('Lead', 'Leadstage_Score__c', 'deleted');
    expect(propertiesFor(decision(), null, salesforceMappings(), writable)).toHaveProperty('Leadstage_Score__c', '118');
    writable.mark('Contact', 'Leadstage_Score__c', 'deleted');
    writable.mark('Lead', 'Leadstage_Priority__c', 'no access', 60_000);
    writable.mark('Contact', 'Leadstage_Priority__c', 'no access', 60_000);
    const out = propertiesFor(decision(), null, salesforceMappings(), writable);
    expect(out).not.toHaveProperty('Leadstage_Score__c');
    expect(out).not.toHaveProperty('Leadstage_Priority__c');
    expect(out).toHaveProperty('Leadstage_Stage__c', 'sql');
  });
});
