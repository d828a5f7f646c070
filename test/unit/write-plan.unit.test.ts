import { hashWrite, planWrite } from '../../src/sync/write-plan';

describe('planWrite', () => {
  const policies: Record<string, 'always' | 'if_empty' | 'never'> = { jobtitle: 'never', hs_lead_status: 'if_empty' };
  const connector = { writePolicyFor: (property: string) => policies[property] ?? 'always' };
  const target = { crmId: '101', objectType: 'contact' as const, current: { leadstage_stage: 'mql', hs_lead_status: 'OPEN', leadstage_score: null } };

  it('writes only what changed, and respects "never" and "only if empty"', () => {
    const write = planWrite(connector, target, { leadstage_stage: 'sql', leadstage_score: '72', hs_lead_status: 'UNQUALIFIED', jobtitle: 'VP' });
    expect(write).toEqual({ crmId: '101', objectType: 'contact', properties: { leadstage_stage: 'sql', leadstage_score: '72' }, current: target.current });
  });

  it('fills an "only if empty" property that is empty', () => {
    const write = planWrite(connector, { ...target, current: { hs_lead_status: '' } }, { hs_lead_status: 'NEW' });
    expect(write?.properties).toEqual({ hs_lead_status: 'NEW' });
  });

  it('returns null when the CRM already holds every value', () => {
    expect(planWrite(connector, target, { leadstage_stage: 'mql' })).toBeNull();
  });

  it('writes everything when the connector has no policies', () => {
    expect(planWrite({}, target, { jobtitle: 'VP' })?.properties).toEqual({ jobtitle: 'VP' });
  });

  it('hashes the same values the same way whatever their order', () => {
    const a = { crmId: '1', objectType: 'contact' as const, properties: { a: '1', b: '2' }, current: {} };
    const b = { crmId: '1', objectType: 'contact' as const, properties: { b: '2', a: '1' }, current: { a: 'x' } };
    expect(hashWrite(a)).toBe(hashWrite(b));
    expect(hashWrite(a)).not.toBe(hashWrite({ ...a, properties: { a: '1', b: '3' } }));
  });
});
