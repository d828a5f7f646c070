import { stringify } from 'yaml';
import { parseHubSpotMappings } from '../../connectors/hubspot/mapping/load-mappings';
import { parseSalesforceMappings } from '../../connectors/salesforce/mapping/load-mappings';
import { parsePersonRecord } from '../../src/model/interchange';
import { parseRulebook } from '../../src/rulebook/load';
import { describeIssue, showValue } from '../../src/util/zod-issue.util';
import { z } from 'zod';
import { baseRulebook } from '../helpers/rulebook';

/** The message a parser throws, for matching. */
function messageOf(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the input to be refused');
}

describe('every validation error names the value, its path and what was expected', () => {
  it('rulebook: wrong type, bad option, bad pattern', () => {
    const rulebook = baseRulebook();
    rulebook.fit.rules[0].points = 'fifty';
    rulebook.priority[0].priority = 'scorching';
    rulebook.fit.rules[0].id = 'Served Country';
    const message = messageOf(() => parseRulebook(stringify(rulebook), 'rb.yaml'));
    expect(message).toMatch(/fit\.rules\[0\]\.points: expected number, got "fifty"/);
    expect(message).toMatch(/priority\[0\]\.priority: expected one of "hot"\|"warm"\|"cold", got "scorching"/);
    expect(message).toMatch(/fit\.rules\[0\]\.id: expected an id in snake_case, such as "pricing_page", got "Served Country"/);
  });

  it('rulebook: a missing key says it is required, with no value to show', () => {
    const rulebook = baseRulebook();
    delete rulebook.sla.first_touch;
    expect(messageOf(() => parseRulebook(stringify(rulebook), 'rb.yaml'))).toMatch(/sla\.first_touch: required \(expected string\)$/m);
  });

  it('person and event: the bad value beside its path', () => {
    const line = JSON.stringify({
      person: { id: 'p1', country: 'usa' },
      events: [{ id: 'e1', type: 'demo_requested', occurredAt: 'yesterday' }],
    });
    const message = messageOf(() => parsePersonRecord(line, 7));
    expect(message).toMatch(/^line 7: /);
    expect(message).toMatch(/person\.country: expected an ISO 3166-1 alpha-2 country code such as "US", got "usa"/);
    expect(message).toMatch(/events\[0\]\.type: expected one of .*"demo_request".*, got "demo_requested"/);
    expect(message).toMatch(/events\[0\]\.occurredAt: expected an ISO 8601 date-time, got "yesterday"/);
  });

  it('field mappings of both connectors', () => {
    const hubspot = messageOf(() =>
      parseHubSpotMappings(stringify({ mappings: [{ canonicalField: 'title', crmProperty: 'Job Title', direction: 'read', writePolicy: 'sometimes' }] }), 'hs.yaml'),
    );
    expect(hubspot).toMatch(/mappings\[0\]\.crmProperty: expected a HubSpot internal property name such as "jobtitle", got "Job Title"/);
    expect(hubspot).toMatch(/mappings\[0\]\.writePolicy: expected one of "always"\|"if_empty"\|"never", got "sometimes"/);
    const salesforce = messageOf(() =>
      parseSalesforceMappings(stringify({ mappings: [{ objectType: 'Lead', canonicalField: 'title', crmProperty: 'Title', direction: 'sideways', writePolicy: 'never' }] }), 'sf.yaml'),
    );
    expect(salesforce).toMatch(/mappings\[0\]\.direction: .*got "sideways"/);
  });

  it('cuts long values short and never shows a secret', () => {
    const long = 'x'.repeat(500);
    const shown = showValue(long, ['title'])!;
    expect(shown.length).toBe(60);
    expect(shown.endsWith('…')).toBe(true);
    expect(showValue('s3cr3t-value', ['credentials', 'clientSecret'])).toBe('(hidden)');
    expect(showValue({ user: 'a', password: 'hunter2' }, ['login'])).toBe('{"user":"a","password":"(hidden)"}');
    const schema = z.object({ apiToken: z.string().min(40) });
    const input = { apiToken: 'short-but-secret' };
    const parsed = schema.safeParse(input);
    expect(parsed.success).toBe(false);
    const text = describeIssue(parsed.error!.issues[0]!, input);
    expect(text).not.toContain('short-but-secret');
    expect(text).toMatch(/got \(hidden\)$/);
  });
});
