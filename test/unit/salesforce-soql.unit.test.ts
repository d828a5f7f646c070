import fc from 'fast-check';
import {
  executeSoql,
  parseSoql,
  SoqlError,
  type ExecuteOptions,
  type SoqlDataSource,
  type SoqlFieldDescribe,
  type SoqlObjectDescribe,
  type SoqlResult,
  type SoqlRow,
} from '../../sandboxes/salesforce/soql';

// ---- a tiny org: describes, rows, and the data source the sandbox server would provide ----

const NOW = Date.parse('2026-11-27T15:30:00Z');
const OPTIONS: ExecuteOptions = { includeDeleted: false, apiVersion: '62.0', now: NOW };

/** An 18-character id with a Salesforce key prefix (`00Q` Lead, `003` Contact…). */
const sfid = (prefix: string, n: number) => `${prefix}${String(n).padStart(12, '0')}AAA`;

const field = (name: string, type: SoqlFieldDescribe['type']): SoqlFieldDescribe => ({ name, type });
const reference = (name: string, relationshipName: string, ...referenceTo: string[]): SoqlFieldDescribe => ({
  name, type: 'reference', relationshipName, referenceTo,
});

const DESCRIBES: SoqlObjectDescribe[] = [
  {
    name: 'User',
    fields: [field('Id', 'id'), field('Name', 'string'), field('Email', 'email'), field('IsActive', 'boolean')],
    childRelationships: [],
  },
  {
    name: 'Account',
    fields: [
      field('Id', 'id'), field('Name', 'string'), field('Industry', 'picklist'), field('NumberOfEmployees', 'int'),
      reference('OwnerId', 'Owner', 'User'), field('IsDeleted', 'boolean'),
    ],
    childRelationships: [
      { relationshipName: 'Contacts', childSObject: 'Contact', field: 'AccountId' },
      { relationshipName: 'Opportunities', childSObject: 'Opportunity', field: 'AccountId' },
    ],
  },
  {
    name: 'Lead',
    fields: [
      field('Id', 'id'), field('FirstName', 'string'), field('LastName', 'string'), field('Email', 'email'),
      field('Company', 'string'), field('Status', 'picklist'), field('NumberOfEmployees', 'int'),
      field('AnnualRevenue', 'currency'), field('IsConverted', 'boolean'), field('SystemModstamp', 'datetime'),
      field('CreatedDate', 'datetime'), field('LastActivityDate', 'date'), field('Leadstage_Score__c', 'double'),
      field('Description', 'textarea'), reference('OwnerId', 'Owner', 'User'), field('IsDeleted', 'boolean'),
    ],
    childRelationships: [{ relationshipName: 'Tasks', childSObject: 'Task', field: 'WhoId' }],
  },
  {
    name: 'Contact',
    fields: [
      field('Id', 'id'), field('FirstName', 'string'), field('LastName', 'string'), field('Name', 'string'),
      field('Email', 'email'), reference('AccountId', 'Account', 'Account'), field('IsDeleted', 'boolean'),
    ],
    childRelationships: [{ relationshipName: 'OpportunityContactRoles', childSObject: 'OpportunityContactRole', field: 'ContactId' }],
  },
  {
    name: 'Opportunity',
    fields: [
      field('Id', 'id'), field('Name', 'string'), field('StageName', 'picklist'), field('Amount', 'currency'),
      field('CloseDate', 'date'), reference('AccountId', 'Account', 'Account'), field('IsDeleted', 'boolean'),
    ],
    childRelationships: [{ relationshipName: 'OpportunityContactRoles', childSObject: 'OpportunityContactRole', field: 'OpportunityId' }],
  },
  {
    name: 'OpportunityContactRole',
    fields: [
      field('Id', 'id'), reference('OpportunityId', 'Opportunity', 'Opportunity'), reference('ContactId', 'Contact', 'Contact'),
      field('Role', 'picklist'), field('IsPrimary', 'boolean'), field('IsDeleted', 'boolean'),
    ],
    childRelationships: [],
  },
  {
    name: 'Task',
    fields: [
      field('Id', 'id'), field('Subject', 'string'), reference('WhoId', 'Who', 'Lead', 'Contact'), field('ActivityDate', 'date'),
      field('IsDeleted', 'boolean'),
    ],
    childRelationships: [],
  },
];

const U1 = sfid('005', 1);
const U2 = sfid('005', 2);
const A1 = sfid('001', 1);
const A2 = sfid('001', 2);
const L = [0, 1, 2, 3, 4, 5].map((n) => sfid('00Q', n));
const C = [0, 1, 2, 3, 4].map((n) => sfid('003', n));
const O1 = sfid('006', 1);
const O2 = sfid('006', 2);
const O3 = sfid('006', 3);

const ROWS: Record<string, SoqlRow[]> = {
  User: [
    { Id: U1, Name: 'Olivia Owner', Email: 'olivia@leadstage.test', IsActive: true },
    { Id: U2, Name: 'Uma User', Email: 'uma@leadstage.test', IsActive: false },
  ],
  Account: [
    { Id: A1, Name: 'Acme', Industry: 'Energy', NumberOfEmployees: 500, OwnerId: U1, IsDeleted: false },
    { Id: A2, Name: 'Globex', Industry: null, NumberOfEmployees: 20, OwnerId: null, IsDeleted: false },
  ],
  Lead: [
    {
      Id: L[1], FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@acme.com', Company: 'Acme', Status: 'Open',
      NumberOfEmployees: 500, AnnualRevenue: 1_500_000, IsConverted: false, SystemModstamp: '2026-11-01T00:00:00.000+0000',
      CreatedDate: '2026-11-27T09:00:00.000+0000', LastActivityDate: '2026-11-26', Leadstage_Score__c: 42.5,
      Description: '50% off_deal', OwnerId: U1, IsDeleted: false,
    },
    {
      Id: L[2], FirstName: 'Grace', LastName: 'Hopper', Email: 'grace@NAVY.mil', Company: 'US Navy', Status: 'Working',
      NumberOfEmployees: 10_000, AnnualRevenue: null, IsConverted: true, SystemModstamp: '2026-11-01T00:00:00.000+0000',
      CreatedDate: '2026-11-20T10:00:00.000+0000', LastActivityDate: null, Leadstage_Score__c: 88,
      Description: '50 percent', OwnerId: U2, IsDeleted: false,
    },
    {
      Id: L[3], FirstName: 'Alan', LastName: 'Turing', Email: null, Company: "O'Reilly Labs", Status: 'Open',
      NumberOfEmployees: 50, AnnualRevenue: 0, IsConverted: false, SystemModstamp: '2026-11-02T08:30:00.000+0000',
      CreatedDate: '2026-10-01T00:00:00.000+0000', LastActivityDate: '2026-11-28', Leadstage_Score__c: null,
      Description: null, OwnerId: U1, IsDeleted: false,
    },
    {
      // NumberOfEmployees and Leadstage_Score__c absent: undefined reads as null
      Id: L[4], FirstName: 'Edsger', LastName: 'Dijkstra', Email: 'edsger@example.org', Company: 'Example_Co',
      Status: 'Closed', AnnualRevenue: -250.75, IsConverted: false, SystemModstamp: '2026-10-31T23:59:59.000+0000',
      CreatedDate: '2026-11-26T23:00:00.000+0000', LastActivityDate: '2026-11-20', Description: 'back\\slash',
      OwnerId: null, IsDeleted: false,
    },
    {
      Id: L[5], FirstName: 'Deleted', LastName: 'Person', Email: 'gone@acme.com', Company: 'Acme', Status: 'Open',
      NumberOfEmployees: 1, AnnualRevenue: 1, IsConverted: false, SystemModstamp: '2026-11-05T00:00:00.000+0000',
      CreatedDate: '2026-11-05T00:00:00.000+0000', LastActivityDate: null, Leadstage_Score__c: 1, OwnerId: U1, IsDeleted: true,
    },
  ],
  Contact: [
    { Id: C[1], FirstName: 'Carla', LastName: 'Contact', Name: 'Carla Contact', Email: 'carla@acme.com', AccountId: A1, IsDeleted: false },
    { Id: C[2], FirstName: 'Dan', LastName: 'Nobody', Name: 'Dan Nobody', Email: 'dan@example.org', AccountId: null, IsDeleted: false },
    { Id: C[3], FirstName: 'Eve', LastName: 'Globex', Name: 'Eve Globex', Email: 'eve@globex.test', AccountId: A2, IsDeleted: false },
    { Id: C[4], FirstName: 'Old', LastName: 'Contact', Name: 'Old Contact', Email: 'old@acme.com', AccountId: A1, IsDeleted: true },
  ],
  Opportunity: [
    { Id: O1, Name: 'Acme Turbines', StageName: 'Prospecting', Amount: 50_000, CloseDate: '2026-12-15', AccountId: A1, IsDeleted: false },
    { Id: O2, Name: 'Globex Deal', StageName: 'Closed Won', Amount: 1200.5, CloseDate: '2026-11-27', AccountId: A2, IsDeleted: false },
    { Id: O3, Name: 'Lonely', StageName: 'Prospecting', Amount: null, CloseDate: null, AccountId: null, IsDeleted: false },
  ],
  OpportunityContactRole: [
    { Id: sfid('00K', 1), OpportunityId: O1, ContactId: C[1], Role: 'Decision Maker', IsPrimary: true, IsDeleted: false },
    { Id: sfid('00K', 2), OpportunityId: O1, ContactId: C[3], Role: 'Evaluator', IsPrimary: false, IsDeleted: false },
    { Id: sfid('00K', 3), OpportunityId: O2, ContactId: C[3], Role: 'Business User', IsPrimary: true, IsDeleted: false },
    { Id: sfid('00K', 4), OpportunityId: O1, ContactId: C[2], Role: 'Influencer', IsPrimary: false, IsDeleted: true },
  ],
  Task: [
    { Id: sfid('00T', 1), Subject: 'Call', WhoId: L[1], ActivityDate: '2026-11-27', IsDeleted: false },
    { Id: sfid('00T', 2), Subject: 'Email', WhoId: C[1], ActivityDate: '2026-11-28', IsDeleted: false },
    { Id: sfid('00T', 3), Subject: 'Note', WhoId: null, ActivityDate: null, IsDeleted: false },
  ],
};

function inMemorySource(describes: SoqlObjectDescribe[], rows: Record<string, SoqlRow[]>): SoqlDataSource {
  const byName = new Map(describes.map((d) => [d.name.toLowerCase(), d]));
  const byId = new Map<string, { sobject: string; row: SoqlRow }>();
  for (const [sobject, list] of Object.entries(rows)) for (const row of list) byId.set(String(row.Id), { sobject, row });
  return {
    describe: (sobject) => byName.get(sobject.toLowerCase()),
    rows: (sobject, { includeDeleted }) => {
      const name = byName.get(sobject.toLowerCase())?.name ?? sobject;
      return (rows[name] ?? []).filter((row) => includeDeleted || row.IsDeleted !== true);
    },
    byId: (id) => byId.get(id),
  };
}

const SOURCE = inMemorySource(DESCRIBES, ROWS);

function run(soql: string, options: Partial<ExecuteOptions> = {}): SoqlResult {
  return executeSoql(parseSoql(soql), SOURCE, { ...OPTIONS, ...options });
}

/** The values of one field, in result order. */
function column(soql: string, name = 'Id', options: Partial<ExecuteOptions> = {}): unknown[] {
  return run(soql, options).records.map((record) => record[name]);
}

/** The lead ids (by their number) a WHERE clause selects, in row order. */
function leadsWhere(where: string, options: Partial<ExecuteOptions> = {}): number[] {
  return column(`SELECT Id FROM Lead WHERE ${where}`, 'Id', options).map((id) => L.indexOf(id as string));
}

function soqlError(soql: string, options: Partial<ExecuteOptions> = {}): SoqlError {
  try {
    run(soql, options);
  } catch (error) {
    if (error instanceof SoqlError) return error;
    throw error;
  }
  throw new Error(`expected a SoqlError from: ${soql}`);
}

// ---- tests ----

describe('SOQL select and result shape', () => {
  it('returns records with attributes and the describe spelling of each field, whatever case the query uses', () => {
    const result = run(`select id, FIRSTNAME, email from LEAD where lastname = 'lovelace'`);
    expect(result).toEqual({
      totalSize: 1,
      records: [
        {
          attributes: { type: 'Lead', url: `/services/data/v62.0/sobjects/Lead/${L[1]}` },
          Id: L[1],
          FirstName: 'Ada',
          Email: 'ada@acme.com',
        },
      ],
    });
    expect(Object.keys(result.records[0]!)).toEqual(['attributes', 'Id', 'FirstName', 'Email']);
  });

  it('returns stored values as stored, and null for a field the row lacks', () => {
    const [record] = run(`SELECT SystemModstamp, LastActivityDate, NumberOfEmployees, IsConverted, Leadstage_Score__c FROM Lead WHERE Id = '${L[4]}'`).records;
    expect(record).toMatchObject({
      SystemModstamp: '2026-10-31T23:59:59.000+0000',
      LastActivityDate: '2026-11-20',
      NumberOfEmployees: null,
      IsConverted: false,
      Leadstage_Score__c: null,
    });
  });

  it('puts the api version into each url', () => {
    expect(run(`SELECT Id FROM User WHERE Id = '${U1}'`, { apiVersion: '59.0' }).records[0]!.attributes.url).toBe(
      `/services/data/v59.0/sobjects/User/${U1}`,
    );
  });

  it('rejects a field selected twice, in any spelling', () => {
    const error = soqlError('SELECT Id, Email, email FROM Lead');
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.message).toBe('duplicate field selected: email');
    expect(soqlError('SELECT Account.Name, account.name FROM Contact').message).toBe('duplicate field selected: account.name');
  });

  it('COUNT() answers the count and no records', () => {
    expect(run('SELECT COUNT() FROM Lead')).toEqual({ totalSize: 4, records: [] });
    expect(run(`SELECT count() FROM Lead WHERE Status = 'Open'`)).toEqual({ totalSize: 2, records: [] });
    expect(run('SELECT COUNT() FROM Lead', { includeDeleted: true }).totalSize).toBe(5);
    expect(soqlError('SELECT COUNT(), Id FROM Lead').errorCode).toBe('MALFORMED_QUERY');
    expect(soqlError('SELECT COUNT(Id) FROM Lead').errorCode).toBe('MALFORMED_QUERY');
  });
});

describe('SOQL comparison operators', () => {
  it.each([
    ['NumberOfEmployees = 500', [1]],
    ['NumberOfEmployees != 500', [2, 3, 4]], // != is true for the null
    ['NumberOfEmployees <> 500', [2, 3, 4]],
    ['NumberOfEmployees < 500', [3]],
    ['NumberOfEmployees <= 500', [1, 3]],
    ['NumberOfEmployees > 500', [2]],
    ['NumberOfEmployees >= 500', [1, 2]],
    ['NumberOfEmployees = null', [4]],
    ['NumberOfEmployees != null', [1, 2, 3]],
    ["Company = 'ACME'", [1]],
    ["Company != 'acme'", [2, 3, 4]],
    ["Email = 'GRACE@navy.MIL'", [2]],
    ["Email != 'grace@navy.mil'", [1, 3, 4]],
    ["LastName < 'l'", [2, 4]],
    ["LastName >= 'Lovelace'", [1, 3]],
    ['IsConverted = true', [2]],
    ['IsConverted = FALSE', [1, 3, 4]],
    ['IsConverted != true', [1, 3, 4]],
  ])('%s', (where, expected) => {
    expect(leadsWhere(where)).toEqual(expected);
  });

  it('compares a null value as false except for = null, != and NOT IN', () => {
    expect(leadsWhere('Leadstage_Score__c < 1000')).toEqual([1, 2, 4].filter((n) => n !== 4)); // L4 has no score
    expect(leadsWhere('Leadstage_Score__c >= 0')).toEqual([1, 2]);
    expect(leadsWhere("Email = null")).toEqual([3]);
    expect(leadsWhere("Email != 'nobody@x.test'")).toEqual([1, 2, 3, 4]);
  });
});

describe('SOQL boolean logic', () => {
  it('AND, OR and NOT with parentheses', () => {
    expect(leadsWhere("Status = 'Open' AND NumberOfEmployees > 100")).toEqual([1]);
    expect(leadsWhere("Status = 'Closed' OR NumberOfEmployees > 1000")).toEqual([2, 4]);
    expect(leadsWhere("NOT Status = 'Open'")).toEqual([2, 4]);
    expect(leadsWhere("NOT (Status = 'Open' OR Status = 'Closed')")).toEqual([2]);
    expect(leadsWhere("(Status = 'Open' OR Status = 'Closed') AND IsConverted = false AND (NOT Company = 'Acme')")).toEqual([3, 4]);
    expect(leadsWhere("Status = 'Open' AND (Company = 'Acme' OR NumberOfEmployees < 100)")).toEqual([1, 3]);
    expect(leadsWhere("(Status = 'Open' AND Company = 'Acme') OR NumberOfEmployees < 100")).toEqual([1, 3]);
    expect(leadsWhere("((Status = 'Working'))")).toEqual([2]);
  });

  it('NOT binds tighter than AND', () => {
    expect(leadsWhere("NOT Status = 'Open' AND IsConverted = false")).toEqual([4]);
  });

  it('refuses AND and OR mixed without parentheses, as Salesforce does', () => {
    const error = soqlError("SELECT Id FROM Lead WHERE Status = 'Open' AND IsConverted = false OR Company = 'Acme'");
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.message).toMatch(/^line 1:66 unexpected token: 'OR'/);
    expect(error.position).toEqual({ line: 1, column: 66 });
    expect(soqlError("SELECT Id FROM Lead WHERE Status = 'Open' OR IsConverted = false AND Company = 'Acme'").message).toContain("'AND'");
  });
});

describe('SOQL LIKE', () => {
  it.each([
    ["Company LIKE 'ac%'", [1]],
    ["Company LIKE '%LABS'", [3]],
    ["Company LIKE '%e%'", [1, 3, 4]],
    ["LastName LIKE '_opper'", [2]],
    ["LastName LIKE 'h_pper'", [2]],
    ["LastName LIKE 'Hop'", []],
    ["Email LIKE '%@navy.mil'", [2]],
    ["Description LIKE '50\\%%'", [1]], // an escaped % matches a literal percent sign
    ["Description LIKE '%\\_deal'", [1]], // an escaped _ matches a literal underscore
    ["Company LIKE 'Example\\_%'", [4]],
    ["Description LIKE '%\\\\%'", [4]], // a literal backslash
    ["NOT Company LIKE 'ac%'", [2, 3, 4]],
  ])('%s', (where, expected) => {
    expect(leadsWhere(where)).toEqual(expected);
  });

  it('treats regular expression characters as text', () => {
    expect(leadsWhere("Company LIKE 'o.reilly%'")).toEqual([]);
    expect(leadsWhere("Company LIKE 'o\\'reilly%'")).toEqual([3]);
  });

  it('applies only to text fields', () => {
    const error = soqlError("SELECT Id FROM Lead WHERE NumberOfEmployees LIKE '5%'");
    expect(error.errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    expect(soqlError("SELECT Id FROM Lead WHERE CreatedDate LIKE '2026%'").errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    expect(soqlError('SELECT Id FROM Lead WHERE Company LIKE 5').errorCode).toBe('MALFORMED_QUERY');
  });
});

describe('SOQL IN, NOT IN and semi-joins', () => {
  it('IN and NOT IN with literal lists', () => {
    expect(leadsWhere("Status IN ('open', 'Closed')")).toEqual([1, 3, 4]);
    expect(leadsWhere("Status NOT IN ('Open', 'Closed')")).toEqual([2]);
    expect(leadsWhere('NumberOfEmployees IN (50, 10000)')).toEqual([2, 3]);
    expect(leadsWhere('NumberOfEmployees NOT IN (50, 10000)')).toEqual([1, 4]); // NOT IN keeps the null
    expect(leadsWhere('NumberOfEmployees IN (50, null)')).toEqual([3, 4]);
    expect(leadsWhere(`Id IN ('${L[1]}', '${L[4]}')`)).toEqual([1, 4]);
  });

  it('type-checks every value in the list', () => {
    expect(soqlError("SELECT Id FROM Lead WHERE NumberOfEmployees IN (50, '60')").errorCode).toBe('MALFORMED_QUERY');
  });

  it('semi-join: Id IN (SELECT ContactId FROM …)', () => {
    const ids = column("SELECT Id FROM Contact WHERE Id IN (SELECT ContactId FROM OpportunityContactRole WHERE IsPrimary = true)");
    expect(ids).toEqual([C[1], C[3]]);
    expect(column('SELECT Id FROM Contact WHERE Id NOT IN (SELECT ContactId FROM OpportunityContactRole)')).toEqual([C[2]]);
    expect(column(`SELECT Id FROM Opportunity WHERE AccountId IN (SELECT Id FROM Account WHERE Industry = 'Energy')`)).toEqual([O1]);
  });

  it('semi-joins skip deleted rows unless the query includes deleted', () => {
    const soql = "SELECT Id FROM Contact WHERE Id IN (SELECT ContactId FROM OpportunityContactRole WHERE Role = 'Influencer')";
    expect(column(soql)).toEqual([]);
    expect(column(soql, 'Id', { includeDeleted: true })).toEqual([C[2]]);
  });

  it('semi-joins select one Id or reference field and compare it with an Id or reference field', () => {
    expect(soqlError('SELECT Id FROM Contact WHERE Id IN (SELECT ContactId, Role FROM OpportunityContactRole)').errorCode).toBe('MALFORMED_QUERY');
    expect(soqlError('SELECT Id FROM Contact WHERE Id IN (SELECT Role FROM OpportunityContactRole)').errorCode).toBe('MALFORMED_QUERY');
    expect(soqlError('SELECT Id FROM Contact WHERE Email IN (SELECT ContactId FROM OpportunityContactRole)').errorCode).toBe('MALFORMED_QUERY');
    expect(soqlError('SELECT Id FROM Contact WHERE Id IN (SELECT ContactId FROM Nope)').errorCode).toBe('INVALID_TYPE');
  });
});

describe('SOQL literals', () => {
  it('strings with backslash escapes', () => {
    expect(leadsWhere("Company = 'O\\'Reilly Labs'")).toEqual([3]);
    expect(leadsWhere("Description = 'back\\\\slash'")).toEqual([4]);
    expect(parseSoql("SELECT Id FROM Lead WHERE Company = 'a\\nb\\tc\\\"d\\%e\\_f\\u0041'").where).toMatchObject({
      value: { kind: 'string', value: 'a\nb\tc"d%e_fA' },
    });
  });

  it('refuses an unknown escape and an unterminated string', () => {
    const bad = soqlError("SELECT Id FROM Lead WHERE Company = 'a\\qb'");
    expect(bad.errorCode).toBe('MALFORMED_QUERY');
    expect(bad.message).toContain("Illegal character sequence '\\q'");
    expect(soqlError("SELECT Id FROM Lead WHERE Company = 'Acme").message).toContain('line 1:36');
  });

  it('integers, decimals and negative numbers', () => {
    expect(leadsWhere('Leadstage_Score__c = 42.5')).toEqual([1]);
    expect(leadsWhere('Leadstage_Score__c > 42.49')).toEqual([1, 2]);
    expect(leadsWhere('AnnualRevenue < 0')).toEqual([4]);
    expect(leadsWhere('AnnualRevenue = -250.75')).toEqual([4]);
    expect(leadsWhere('AnnualRevenue >= -250.75 AND AnnualRevenue <= 0')).toEqual([3, 4]);
  });

  it('date literals against date fields', () => {
    expect(leadsWhere('LastActivityDate = 2026-11-26')).toEqual([1]);
    expect(leadsWhere('LastActivityDate > 2026-11-20')).toEqual([1, 3]);
    expect(leadsWhere('LastActivityDate <= 2026-11-20')).toEqual([4]);
  });

  it.each([
    '2026-11-01T00:00:00Z',
    '2026-11-01T00:00:00.000Z',
    '2026-11-01T01:00:00+01:00',
    '2026-11-01T00:00:00.000+0000',
    '2026-10-31T19:00:00-05:00',
  ])('the datetime literal %s is the same instant', (literal) => {
    expect(leadsWhere(`SystemModstamp = ${literal}`)).toEqual([1, 2]);
    expect(leadsWhere(`SystemModstamp < ${literal}`)).toEqual([4]);
  });

  it('refuses impossible dates', () => {
    expect(soqlError('SELECT Id FROM Lead WHERE LastActivityDate = 2026-02-30').errorCode).toBe('MALFORMED_QUERY');
    expect(soqlError('SELECT Id FROM Lead WHERE SystemModstamp = 2026-11-01T25:00:00Z').errorCode).toBe('MALFORMED_QUERY');
  });
});

describe('SOQL date keywords (now = 2026-11-27T15:30Z, UTC)', () => {
  it.each([
    ['CreatedDate = TODAY', [1]],
    ['CreatedDate = YESTERDAY', [4]],
    ['CreatedDate < TODAY', [2, 3, 4]],
    ['CreatedDate > YESTERDAY', [1]],
    ['CreatedDate >= YESTERDAY', [1, 4]],
    ['CreatedDate <= YESTERDAY', [2, 3, 4]],
    ['CreatedDate != TODAY', [2, 3, 4]],
    ['CreatedDate = LAST_N_DAYS:7', [1, 2, 4]], // today and the 7 days before: from 2026-11-20
    ['CreatedDate = LAST_N_DAYS:6', [1, 4]],
    ['LastActivityDate = TODAY', []],
    ['LastActivityDate = YESTERDAY', [1]],
    ['LastActivityDate = TOMORROW', [3]],
    ['LastActivityDate = NEXT_N_DAYS:1', [3]],
    ['LastActivityDate > TODAY', [3]],
    ['LastActivityDate = last_n_days:7', [1, 4]],
  ])('%s', (where, expected) => {
    expect(leadsWhere(where)).toEqual(expected);
  });

  it('follows the injected now', () => {
    const aWeekLater = NOW + 7 * 86_400_000;
    expect(leadsWhere('LastActivityDate = LAST_N_DAYS:7', { now: aWeekLater })).toEqual([3]); // from 2026-11-27
    expect(leadsWhere('LastActivityDate = LAST_N_DAYS:8', { now: aWeekLater })).toEqual([1, 3]);
  });
});

describe('SOQL type checks against the describe', () => {
  it('a quoted value against a datetime field', () => {
    const error = soqlError("SELECT Id FROM Lead WHERE SystemModstamp > '2026-11-01T00:00:00Z'");
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.message).toBe("value of filter criterion for field 'SystemModstamp' must be of type dateTime and should not be enclosed in quotes");
  });

  it.each([
    ["LastActivityDate = '2026-11-26'", 'date'],
    ['LastActivityDate = 2026-11-26T00:00:00Z', 'date'],
    ['SystemModstamp > 2026-11-01', 'dateTime'],
    ["IsConverted = 'true'", 'boolean'],
    ["NumberOfEmployees = '500'", 'integer'],
    ['AnnualRevenue = true', 'currency'],
  ])('%s → must be of type %s', (where, typeName) => {
    const error = soqlError(`SELECT Id FROM Lead WHERE ${where}`);
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.message).toContain(`must be of type ${typeName} and should not be enclosed in quotes`);
  });

  it('an unquoted value against a text field', () => {
    expect(soqlError('SELECT Id FROM Lead WHERE Company = 5').message).toBe(
      "value of filter criterion for field 'Company' must be of type string and should be enclosed in quotes",
    );
  });

  it('null against any field, but only with = and !=', () => {
    expect(leadsWhere('LastActivityDate = null AND SystemModstamp != null')).toEqual([2]);
    expect(soqlError('SELECT Id FROM Lead WHERE NumberOfEmployees > null').errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
  });

  it('an id literal must look like a Salesforce id', () => {
    const error = soqlError("SELECT Id FROM Lead WHERE Id = 'lead-1'");
    expect(error.errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    expect(error.message).toBe('invalid ID field: lead-1');
  });

  it('ids compare by their case-sensitive 15-character form, so both forms of an id match', () => {
    const id15 = L[1]!.slice(0, 15);
    expect(leadsWhere(`Id = '${id15}'`)).toEqual([1]);
    expect(leadsWhere(`Id IN ('${id15}', '${L[2]}')`)).toEqual([1, 2]);
    expect(leadsWhere(`Id = '${id15.toLowerCase()}'`)).toEqual([]);
    expect(column(`SELECT Id FROM Contact WHERE AccountId = '${A1.slice(0, 15)}'`)).toEqual([C[1]]);
  });
});

describe('SOQL unknown names and syntax errors', () => {
  it('an unknown field is INVALID_FIELD with Salesforce’s message', () => {
    const error = soqlError('SELECT Id, Foo FROM Lead');
    expect(error.errorCode).toBe('INVALID_FIELD');
    expect(error.message).toBe(
      "No such column 'Foo' on entity 'Lead'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
    );
    expect(error.position).toEqual({ line: 1, column: 11 });
    expect(soqlError("SELECT Id FROM Lead WHERE Leadstage_Stage = 'x'").errorCode).toBe('INVALID_FIELD');
    expect(soqlError('SELECT Id FROM Lead ORDER BY Nope').errorCode).toBe('INVALID_FIELD');
    expect(soqlError('SELECT Account.Nope FROM Contact').message).toContain("No such column 'Nope' on entity 'Account'");
  });

  it('an unknown relationship is INVALID_FIELD', () => {
    const error = soqlError('SELECT Acount.Name FROM Contact');
    expect(error.errorCode).toBe('INVALID_FIELD');
    expect(error.message).toContain("Didn't understand relationship 'Acount' in field path");
    expect(soqlError('SELECT Email.Name FROM Contact').errorCode).toBe('INVALID_FIELD'); // not a reference
  });

  it('an unknown sObject or child relationship is INVALID_TYPE', () => {
    const error = soqlError('SELECT Id FROM Foo');
    expect(error.errorCode).toBe('INVALID_TYPE');
    expect(error.message).toBe(
      "sObject type 'Foo' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
    );
    expect(soqlError('SELECT Id, (SELECT Id FROM Nopes) FROM Opportunity').errorCode).toBe('INVALID_TYPE');
  });

  it.each([
    ['SELECT Id FRM Lead', "line 1:10 unexpected token: 'FRM'"],
    ['SELECT FROM Lead', "line 1:7 unexpected token: 'FROM'"],
    ['SELECT Id FROM Lead WHERE', 'line 1:25 unexpected token: <EOF>'],
    ['SELECT Id FROM Lead WHERE Email', 'line 1:31 unexpected token: <EOF>'],
    ["SELECT Id FROM Lead WHERE Email == 'x'", "line 1:33 unexpected token: '='"],
    ['SELECT Id FROM Lead WHERE Email % 3', "line 1:32 no viable alternative at character '%'"],
    ['SELECT Id FROM Lead LIMIT ten', "line 1:26 unexpected token: 'ten'"],
    ['SELECT Id FROM Lead LIMIT 5 extra', "line 1:28 unexpected token: 'extra'"],
    ['SELECT Id,\nEmail\nFROM Lead WHERE (Email = null', 'line 3:29 unexpected token: <EOF>'],
    ['SELECT Id FROM Lead GROUP BY Status', "line 1:20 unexpected token: 'GROUP'"],
    ["SELECT Id FROM Lead WHERE 'x' = Email", "line 1:26 unexpected token: 'x'"],
    ['SELECT Id, (SELECT Id, (SELECT Id FROM Tasks) FROM Contacts) FROM Account', "line 1:23 unexpected token: '('"],
  ])('%s → %s', (soql, message) => {
    const error = soqlError(soql);
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.message.startsWith(message)).toBe(true);
  });

  it('syntax errors come from the parser alone, before any describe', () => {
    expect(() => parseSoql('SELECT Id FRM Lead')).toThrow(SoqlError);
    expect(parseSoql('SELECT Id FROM NoSuchObject').from.text).toBe('NoSuchObject');
  });
});

describe('SOQL parent paths', () => {
  it('nests parent fields under the relationship, null when the reference is empty', () => {
    const records = run('SELECT Id, Account.Name, Account.Industry, Account.Owner.Name FROM Contact ORDER BY FirstName').records;
    expect(records.map((r) => r.Account)).toEqual([
      {
        attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${A1}` },
        Name: 'Acme',
        Industry: 'Energy',
        Owner: { attributes: { type: 'User', url: `/services/data/v62.0/sobjects/User/${U1}` }, Name: 'Olivia Owner' },
      },
      null, // Dan has no account
      {
        attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${A2}` },
        Name: 'Globex',
        Industry: null,
        Owner: null, // Globex has no owner
      },
    ]);
  });

  it('filters and sorts on parent paths', () => {
    expect(column("SELECT Id FROM Contact WHERE Account.Industry = 'energy'")).toEqual([C[1]]);
    expect(column("SELECT Id FROM Contact WHERE Account.Industry != 'Energy'")).toEqual([C[2], C[3]]);
    expect(column("SELECT Id FROM Contact WHERE Account.Owner.Name LIKE 'olivia%'")).toEqual([C[1]]);
    expect(column('SELECT Id FROM Contact ORDER BY Account.Name DESC NULLS LAST')).toEqual([C[3], C[1], C[2]]);
  });

  it('a polymorphic relationship resolves on the actual parent; Type is its sObject', () => {
    const records = run('SELECT Subject, Who.Type, Who.LastName, Who.Id FROM Task').records;
    expect(records.map((r) => r.Who)).toEqual([
      { attributes: { type: 'Lead', url: `/services/data/v62.0/sobjects/Lead/${L[1]}` }, Type: 'Lead', LastName: 'Lovelace', Id: L[1] },
      { attributes: { type: 'Contact', url: `/services/data/v62.0/sobjects/Contact/${C[1]}` }, Type: 'Contact', LastName: 'Contact', Id: C[1] },
      null,
    ]);
    expect(column("SELECT Subject FROM Task WHERE Who.Type = 'Contact'", 'Subject')).toEqual(['Email']);
    expect(column("SELECT Subject FROM Task WHERE Who.Type IN ('Lead', 'Contact') ORDER BY Who.Type DESC", 'Subject')).toEqual(['Call', 'Email']);
    // Name exists on Contact only: a Lead parent gives null
    expect(run('SELECT Who.Name FROM Task WHERE WhoId != null').records.map((r) => (r.Who as { Name: unknown }).Name)).toEqual([null, 'Carla Contact']);
    expect(soqlError('SELECT Who.Nope FROM Task').message).toContain("No such column 'Nope' on entity 'Name'");
  });
});

describe('SOQL child sub-queries', () => {
  it('lists the related children with their own WHERE, ORDER BY and LIMIT; null when there are none', () => {
    const records = run(
      'SELECT Name, (SELECT Id, ContactId, Role FROM OpportunityContactRoles ORDER BY Role) FROM Opportunity ORDER BY Name',
    ).records;
    expect(records.map((r) => r.Name)).toEqual(['Acme Turbines', 'Globex Deal', 'Lonely']);
    expect(records[0]!.OpportunityContactRoles).toEqual({
      totalSize: 2,
      done: true,
      records: [
        { attributes: { type: 'OpportunityContactRole', url: `/services/data/v62.0/sobjects/OpportunityContactRole/${sfid('00K', 1)}` }, Id: sfid('00K', 1), ContactId: C[1], Role: 'Decision Maker' },
        { attributes: { type: 'OpportunityContactRole', url: `/services/data/v62.0/sobjects/OpportunityContactRole/${sfid('00K', 2)}` }, Id: sfid('00K', 2), ContactId: C[3], Role: 'Evaluator' },
      ],
    });
    expect(records[2]!.OpportunityContactRoles).toBeNull();

    const limited = run("SELECT Id, (SELECT ContactId FROM OpportunityContactRoles WHERE Role != 'Business User' ORDER BY Role DESC LIMIT 1) FROM Opportunity").records;
    expect(limited.map((r) => r.OpportunityContactRoles)).toEqual([
      { totalSize: 1, done: true, records: [expect.objectContaining({ ContactId: C[3] })] },
      null,
      null,
    ]);
  });

  it('includes deleted children only when the query includes deleted', () => {
    const soql = `SELECT Id, (SELECT Role FROM OpportunityContactRoles) FROM Opportunity WHERE Id = '${O1}'`;
    const roles = (options: Partial<ExecuteOptions>) =>
      (run(soql, options).records[0]!.OpportunityContactRoles as { records: { Role: string }[] }).records.map((r) => r.Role);
    expect(roles({})).toEqual(['Decision Maker', 'Evaluator']);
    expect(roles({ includeDeleted: true })).toEqual(['Decision Maker', 'Evaluator', 'Influencer']);
  });

  it('sub-query fields may follow parent paths', () => {
    const record = run(`SELECT Id, (SELECT Contact.Email FROM OpportunityContactRoles ORDER BY Contact.Email DESC) FROM Opportunity WHERE Id = '${O1}'`).records[0]!;
    const children = (record.OpportunityContactRoles as { records: { Contact: { Email: string } }[] }).records;
    expect(children.map((c) => c.Contact.Email)).toEqual(['eve@globex.test', 'carla@acme.com']);
  });
});

describe('SOQL ORDER BY, LIMIT and OFFSET', () => {
  it('ASC puts nulls first, DESC puts them last, unless told otherwise', () => {
    expect(column('SELECT Id FROM Lead ORDER BY NumberOfEmployees').map((id) => L.indexOf(id as string))).toEqual([4, 3, 1, 2]);
    expect(column('SELECT Id FROM Lead ORDER BY NumberOfEmployees ASC NULLS LAST').map((id) => L.indexOf(id as string))).toEqual([3, 1, 2, 4]);
    expect(column('SELECT Id FROM Lead ORDER BY NumberOfEmployees DESC').map((id) => L.indexOf(id as string))).toEqual([2, 1, 3, 4]);
    expect(column('SELECT Id FROM Lead ORDER BY NumberOfEmployees DESC NULLS FIRST').map((id) => L.indexOf(id as string))).toEqual([4, 2, 1, 3]);
  });

  it('several keys, strings without regard to case, datetimes as instants, stable on ties', () => {
    expect(column('SELECT LastName FROM Lead ORDER BY Status DESC, LastName', 'LastName')).toEqual(['Hopper', 'Lovelace', 'Turing', 'Dijkstra']);
    expect(column('SELECT Email FROM Lead ORDER BY Email DESC NULLS LAST', 'Email')).toEqual(['grace@NAVY.mil', 'edsger@example.org', 'ada@acme.com', null]);
    expect(column('SELECT Id FROM Lead ORDER BY SystemModstamp').map((id) => L.indexOf(id as string))).toEqual([4, 1, 2, 3]);
    expect(column('SELECT Id FROM Lead ORDER BY SystemModstamp DESC, Id DESC').map((id) => L.indexOf(id as string))).toEqual([3, 2, 1, 4]);
    expect(column('SELECT Id FROM Lead ORDER BY IsConverted DESC, LastActivityDate DESC').map((id) => L.indexOf(id as string))).toEqual([2, 3, 1, 4]);
  });

  it('LIMIT and OFFSET after sorting; totalSize counts the records returned', () => {
    const result = run('SELECT LastName FROM Lead ORDER BY LastName LIMIT 2 OFFSET 1');
    expect(result.records.map((r) => r.LastName)).toEqual(['Hopper', 'Lovelace']);
    expect(result.totalSize).toBe(2);
    expect(run('SELECT Id FROM Lead LIMIT 0').totalSize).toBe(0);
    expect(run('SELECT Id FROM Lead OFFSET 3').records.map((r) => r.Id)).toEqual([L[4]]);
    expect(run('SELECT Id FROM Lead OFFSET 2000').totalSize).toBe(0);
    const error = soqlError('SELECT Id FROM Lead OFFSET 2001');
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.message).toContain('Maximum SOQL offset allowed is 2000');
  });
});

describe('SOQL deleted rows', () => {
  it('are left out unless the query includes deleted (queryAll)', () => {
    expect(leadsWhere("Company = 'Acme'")).toEqual([1]);
    expect(leadsWhere("Company = 'Acme'", { includeDeleted: true })).toEqual([1, 5]);
    expect(leadsWhere('IsDeleted = true', { includeDeleted: true })).toEqual([5]);
  });
});

describe('the incremental-sync query the connector sends', () => {
  const soql =
    "SELECT Id, Email, SystemModstamp FROM Lead WHERE SystemModstamp > 2026-11-01T00:00:00.000Z OR (SystemModstamp = 2026-11-01T00:00:00.000Z AND Id > '00Q000000000001AAA') ORDER BY SystemModstamp, Id LIMIT 2000";

  it('resumes after the last (SystemModstamp, Id) seen, in that order', () => {
    expect(L[1]).toBe('00Q000000000001AAA');
    expect(run(soql).records).toEqual([
      { attributes: { type: 'Lead', url: `/services/data/v62.0/sobjects/Lead/${L[2]}` }, Id: L[2], Email: 'grace@NAVY.mil', SystemModstamp: '2026-11-01T00:00:00.000+0000' },
      { attributes: { type: 'Lead', url: `/services/data/v62.0/sobjects/Lead/${L[3]}` }, Id: L[3], Email: null, SystemModstamp: '2026-11-02T08:30:00.000+0000' },
    ]);
    expect(run(soql, { includeDeleted: true }).records.map((r) => r.Id)).toEqual([L[2], L[3], L[5]]);
  });

  it('pages through many rows with the same stamp without skipping or repeating one', () => {
    const stamp = '2026-11-01T00:00:00.000+0000';
    const many = Array.from({ length: 25 }, (_, i) => ({ Id: sfid('00Q', 100 + ((i * 7) % 25)), SystemModstamp: i % 3 === 0 ? '2026-11-02T00:00:00.000+0000' : stamp, IsDeleted: false }));
    const source = inMemorySource(DESCRIBES, { Lead: many });
    const seen: string[] = [];
    let cursor = { stamp: '2026-10-01T00:00:00.000Z', id: sfid('00Q', 0) };
    for (let page = 0; page < 20; page++) {
      const query = parseSoql(
        `SELECT Id, SystemModstamp FROM Lead WHERE SystemModstamp > ${cursor.stamp} OR (SystemModstamp = ${cursor.stamp} AND Id > '${cursor.id}') ORDER BY SystemModstamp, Id LIMIT 4`,
      );
      const { records } = executeSoql(query, source, OPTIONS);
      if (records.length === 0) break;
      seen.push(...records.map((r) => r.Id as string));
      const last = records[records.length - 1]!;
      cursor = { stamp: String(last.SystemModstamp), id: String(last.Id) };
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
  });
});

describe('SOQL at volume', () => {
  it('filters and sorts 100,000 rows in one pass (keys computed once per row)', () => {
    const rows: SoqlRow[] = Array.from({ length: 100_000 }, (_, i) => ({
      Id: sfid('00Q', i),
      Email: i % 10 === 0 ? null : `person${i}@example.org`,
      SystemModstamp: new Date(Date.UTC(2026, 10, 1) + ((i * 7919) % 100_000) * 60_000).toISOString().replace('Z', '+0000'),
      IsDeleted: false,
    }));
    const source = inMemorySource(DESCRIBES, { Lead: rows });
    const query = parseSoql(
      "SELECT Id, Email, SystemModstamp FROM Lead WHERE SystemModstamp > 2026-11-01T00:00:00.000Z OR (SystemModstamp = 2026-11-01T00:00:00.000Z AND Id > '00Q000000000001AAA') ORDER BY SystemModstamp, Id LIMIT 2000",
    );
    const { records } = executeSoql(query, source, OPTIONS);
    expect(records).toHaveLength(2000);
    const stamps = records.map((r) => Date.parse(String(r.SystemModstamp).replace('+0000', 'Z')));
    expect(stamps.every((stamp, i) => i === 0 || stamps[i - 1]! <= stamp)).toBe(true);
  });
});

describe('SOQL properties', () => {
  // rows with every field set, so two-valued logic applies: WHERE X and WHERE NOT (X) partition them
  const leadRow = fc.record({
    NumberOfEmployees: fc.integer({ min: -5, max: 5 }),
    Company: fc.constantFrom('Acme', 'acme', 'Globex', 'O\'Reilly', 'Initech_'),
    SystemModstamp: fc.integer({ min: 0, max: 5 }).map((h) => `2026-11-01T0${h}:00:00.000+0000`),
    IsConverted: fc.boolean(),
  });
  const leaf = fc.oneof(
    fc.tuple(fc.constantFrom('=', '!=', '<', '<=', '>', '>='), fc.integer({ min: -5, max: 5 })).map(([op, n]) => `NumberOfEmployees ${op} ${n}`),
    fc.tuple(fc.constantFrom('=', '!=', '<', '>'), fc.constantFrom("'acme'", "'Globex'", "'O\\'Reilly'")).map(([op, v]) => `Company ${op} ${v}`),
    fc.constantFrom("Company LIKE 'a%'", "Company LIKE '%\\_'", "Company IN ('Acme', 'Globex')", "Company NOT IN ('acme')"),
    fc.tuple(fc.constantFrom('=', '<', '>='), fc.integer({ min: 0, max: 5 })).map(([op, h]) => `SystemModstamp ${op} 2026-11-01T0${h}:00:00Z`),
    fc.constantFrom('IsConverted = true', 'IsConverted != true'),
  );
  const condition: fc.Arbitrary<string> = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(tie('node') as fc.Arbitrary<string>, fc.constantFrom('AND', 'OR'), tie('node') as fc.Arbitrary<string>).map(([a, op, b]) => `(${a}) ${op} (${b})`),
      (tie('node') as fc.Arbitrary<string>).map((a) => `NOT (${a})`),
    ),
  })).node;

  it('WHERE X and WHERE NOT (X) partition the rows', () => {
    fc.assert(
      fc.property(fc.array(leadRow, { maxLength: 12 }), condition, (fields, where) => {
        const rows = fields.map((f, i) => ({ ...f, Id: sfid('00Q', i), IsDeleted: false }));
        const source = inMemorySource(DESCRIBES, { Lead: rows });
        const ids = (w: string) => executeSoql(parseSoql(`SELECT Id FROM Lead WHERE ${w}`), source, OPTIONS).records.map((r) => r.Id as string);
        const yes = ids(where);
        const no = ids(`NOT (${where})`);
        expect([...yes, ...no].sort()).toEqual(rows.map((r) => r.Id).sort());
        expect(yes.filter((id) => no.includes(id))).toEqual([]);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('ORDER BY returns the rows sorted, nulls where asked, ties in source order; LIMIT and OFFSET take a slice of that', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: -3, max: 3 }), { nil: null }), { maxLength: 80 }),
        fc.boolean(),
        fc.boolean(),
        fc.option(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 5 })), { nil: null }),
        (values, descending, nullsFirst, window) => {
          const rows = values.map((value, i) => ({ Id: sfid('00Q', i), NumberOfEmployees: value, IsDeleted: false }));
          const limitClause = window ? ` LIMIT ${window[0]} OFFSET ${window[1]}` : '';
          const soql = `SELECT Id, NumberOfEmployees FROM Lead ORDER BY NumberOfEmployees ${descending ? 'DESC' : 'ASC'} NULLS ${nullsFirst ? 'FIRST' : 'LAST'}${limitClause}`;
          const records = executeSoql(parseSoql(soql), inMemorySource(DESCRIBES, { Lead: rows }), OPTIONS).records;
          const rank = (v: unknown) => (v === null ? (nullsFirst ? -Infinity : Infinity) : descending ? -(v as number) : (v as number));
          const sorted = rows
            .map((row, index) => ({ row, index }))
            .sort((a, b) => rank(a.row.NumberOfEmployees) - rank(b.row.NumberOfEmployees) || a.index - b.index)
            .map(({ row }) => row.Id);
          const expected = window ? sorted.slice(window[1], window[1] + window[0]) : sorted;
          expect(records.map((r) => r.Id)).toEqual(expected);
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});
