/**
 * The sObjects the sandbox serves and their standard fields, as `describe` reports them: type,
 * length, createable/updateable, nillable, picklist values (restricted or not), references and
 * relationship names, child relationships. Writes are validated against these definitions and SOQL
 * resolves names through them, so a field the connector reads or writes must exist here exactly as
 * it does in a Developer Edition org with State and Country/Territory Picklists enabled.
 */
import { KEY_PREFIXES } from './ids';

export type DescribeType =
  | 'id' | 'reference' | 'string' | 'combobox' | 'textarea' | 'email' | 'phone' | 'url' | 'picklist'
  | 'boolean' | 'int' | 'double' | 'currency' | 'percent' | 'date' | 'datetime';

export interface PicklistValue {
  value: string;
  label: string;
  active: boolean;
  defaultValue: boolean;
}

export interface FieldDef {
  name: string;
  label: string;
  type: DescribeType;
  /** Characters for text types (0 for the rest). */
  length: number;
  /** Total digits and decimal places for double/currency/percent. */
  precision: number;
  scale: number;
  /** Digits for int. */
  digits: number;
  createable: boolean;
  updateable: boolean;
  nillable: boolean;
  /** Set by the platform when omitted on create (booleans, Status with a default, system fields). */
  defaultedOnCreate: boolean;
  defaultValue: string | boolean | null;
  custom: boolean;
  externalId: boolean;
  unique: boolean;
  /** Unique text: 'ABC' and 'abc' are different values (Salesforce's default treats them as duplicates). */
  caseSensitive: boolean;
  /** No field-level read access for the integration user: absent from describe, SOQL and writes. */
  hidden?: boolean;
  /**
   * Custom fields created through the Tooling API: what the integration user's profile grants on
   * them (none, as in a real org, unless an admin granted it). Permission sets assigned to the user
   * add to it (permissions.ts); undefined for standard and seeded fields, which are always granted.
   */
  profileAccess?: 'none' | 'read' | 'edit';
  calculated: boolean;
  nameField: boolean;
  picklistValues: PicklistValue[];
  restrictedPicklist: boolean;
  referenceTo: string[];
  relationshipName: string | null;
  /** Tooling API id (00N…), the metadata it was created with, when and by whom, for custom fields. */
  customFieldId?: string;
  metadata?: Record<string, unknown>;
  createdAt?: number;
  createdById?: string;
}

export interface ChildRelationshipDef {
  relationshipName: string;
  childSObject: string;
  field: string;
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  fields: FieldDef[];
  childRelationships: ChildRelationshipDef[];
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  /** Objects with soft delete (IsDeleted) show deleted rows through queryAll only. */
  softDelete: boolean;
}

// ---------------------------------------------------------------------------------------------
// Picklist vocabularies (standard values of a fresh org, plus the values this org added)

/** Salesforce's standard Account/Lead Industry picklist. */
export const INDUSTRIES = [
  'Agriculture', 'Apparel', 'Banking', 'Biotechnology', 'Chemicals', 'Communications', 'Construction', 'Consulting',
  'Education', 'Electronics', 'Energy', 'Engineering', 'Entertainment', 'Environmental', 'Finance', 'Food & Beverage',
  'Government', 'Healthcare', 'Hospitality', 'Insurance', 'Machinery', 'Manufacturing', 'Media', 'Not For Profit',
  'Recreation', 'Retail', 'Shipping', 'Technology', 'Telecommunications', 'Transportation', 'Utilities', 'Other',
] as const;

/** The standard Lead Status values; the first is the default, "Closed - Converted" is the converted status. */
export const LEAD_STATUSES = [
  { value: 'Open - Not Contacted', isDefault: true, isConverted: false },
  { value: 'Working - Contacted', isDefault: false, isConverted: false },
  { value: 'Closed - Converted', isDefault: false, isConverted: true },
  { value: 'Closed - Not Converted', isDefault: false, isConverted: false },
] as const;
export type LeadStatusValue = (typeof LEAD_STATUSES)[number]['value'];

export const LEAD_SOURCES = [
  'Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Webinar', 'Trade Show', 'Content Syndication', 'Other',
] as const;
export const RATINGS = ['Hot', 'Warm', 'Cold'] as const;

/** Standard opportunity stages with their default probability and closed/won flags. */
export const OPPORTUNITY_STAGES = [
  { value: 'Prospecting', probability: 10, closed: false, won: false },
  { value: 'Qualification', probability: 10, closed: false, won: false },
  { value: 'Needs Analysis', probability: 20, closed: false, won: false },
  { value: 'Value Proposition', probability: 50, closed: false, won: false },
  { value: 'Id. Decision Makers', probability: 60, closed: false, won: false },
  { value: 'Perception Analysis', probability: 70, closed: false, won: false },
  { value: 'Proposal/Price Quote', probability: 75, closed: false, won: false },
  { value: 'Negotiation/Review', probability: 90, closed: false, won: false },
  { value: 'Closed Won', probability: 100, closed: true, won: true },
  { value: 'Closed Lost', probability: 0, closed: true, won: false },
] as const;

export const CONTACT_ROLES = [
  'Business User', 'Decision Maker', 'Economic Buyer', 'Economic Decision Maker', 'Evaluator', 'Executive Sponsor',
  'Influencer', 'Technical Buyer', 'Other',
] as const;

/** Standard Campaign Type values plus the ones this org added (Content Syndication, Website). */
export const CAMPAIGN_TYPES = [
  'Conference', 'Webinar', 'Trade Show', 'Public Relations', 'Partners', 'Referral Program', 'Advertisement', 'Banner Ads',
  'Direct Mail', 'Email', 'Telemarketing', 'Content Syndication', 'Website', 'Other',
] as const;
export const CAMPAIGN_STATUSES = ['Planned', 'In Progress', 'Completed', 'Aborted'] as const;
/** Member statuses used across this org's campaigns; `responded` is what CampaignMemberStatus.HasResponded says. */
export const CAMPAIGN_MEMBER_STATUSES = [
  { value: 'Sent', responded: false },
  { value: 'Registered', responded: false },
  { value: 'Attended', responded: true },
  { value: 'Responded', responded: true },
  { value: 'No Show', responded: false },
] as const;

export const TASK_STATUSES = [
  { value: 'Not Started', closed: false, isDefault: true },
  { value: 'In Progress', closed: false, isDefault: false },
  { value: 'Completed', closed: true, isDefault: false },
  { value: 'Waiting on someone else', closed: false, isDefault: false },
  { value: 'Deferred', closed: true, isDefault: false },
] as const;
export const TASK_PRIORITIES = ['High', 'Normal', 'Low'] as const;
export const TASK_SUBTYPES = ['Task', 'Email', 'ListEmail', 'Call', 'Cadence', 'LinkedIn'] as const;
export const TASK_TYPES = ['Call', 'Email', 'Meeting', 'Other'] as const;
export const CALL_TYPES = ['Internal', 'Inbound', 'Outbound'] as const;
/** A slice of User.TimeZoneSidKey's values (Salesforce lists ~400, all IANA names plus GMT). */
export const TIME_ZONE_SID_KEYS = [
  'GMT', 'America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles',
  'America/Sao_Paulo', 'Europe/London', 'Europe/Berlin', 'Europe/Paris', 'Asia/Kolkata', 'Asia/Tokyo', 'Australia/Sydney',
] as const;
export const SALUTATIONS = ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.', 'Mx.'] as const;
export const ACCOUNT_TYPES = ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Channel Partner / Reseller', 'Installation Partner', 'Technology Partner', 'Other'] as const;

/** The Country/Territory picklist (a subset of ISO 3166): code → name. */
export const COUNTRY_CODES: Readonly<Record<string, string>> = {
  US: 'United States', CA: 'Canada', MX: 'Mexico', BR: 'Brazil', AR: 'Argentina', GB: 'United Kingdom', IE: 'Ireland',
  DE: 'Germany', FR: 'France', NL: 'Netherlands', BE: 'Belgium', ES: 'Spain', IT: 'Italy', PL: 'Poland', SE: 'Sweden',
  CH: 'Switzerland', AT: 'Austria', IN: 'India', CN: 'China', JP: 'Japan', KR: 'Korea, Republic of', SG: 'Singapore',
  AU: 'Australia', NZ: 'New Zealand', ZA: 'South Africa', AE: 'United Arab Emirates',
};

// ---------------------------------------------------------------------------------------------
// Field builders

type FieldOptions = Partial<Omit<FieldDef, 'name' | 'label' | 'type'>>;

function field(name: string, label: string, type: DescribeType, options: FieldOptions = {}): FieldDef {
  return {
    name,
    label,
    type,
    length: 0,
    precision: 0,
    scale: 0,
    digits: 0,
    createable: true,
    updateable: true,
    nillable: true,
    defaultedOnCreate: false,
    defaultValue: null,
    custom: false,
    externalId: false,
    unique: false,
    caseSensitive: false,
    calculated: false,
    nameField: false,
    picklistValues: [],
    restrictedPicklist: false,
    referenceTo: [],
    relationshipName: null,
    ...options,
  };
}

const readOnly: FieldOptions = { createable: false, updateable: false };

export const text = (name: string, label: string, length: number, options: FieldOptions = {}) => field(name, label, 'string', { length, ...options });
const email = (name: string, label: string) => field(name, label, 'email', { length: 80 });
const phone = (name: string, label: string) => field(name, label, 'phone', { length: 40 });
const url = (name: string, label: string) => field(name, label, 'url', { length: 255 });
const textarea = (name: string, label: string, length: number) => field(name, label, 'textarea', { length });
const bool = (name: string, label: string, options: FieldOptions = {}) =>
  field(name, label, 'boolean', { nillable: false, defaultedOnCreate: true, defaultValue: false, ...options });
const int = (name: string, label: string, digits: number, options: FieldOptions = {}) => field(name, label, 'int', { digits, ...options });
const currency = (name: string, label: string, precision: number, scale: number) => field(name, label, 'currency', { precision, scale });
const dateField = (name: string, label: string, options: FieldOptions = {}) => field(name, label, 'date', options);
const datetime = (name: string, label: string, options: FieldOptions = {}) => field(name, label, 'datetime', options);

export function picklistValues(values: readonly string[], defaultValue?: string): PicklistValue[] {
  return values.map((value) => ({ value, label: value, active: true, defaultValue: value === defaultValue }));
}

const picklist = (name: string, label: string, values: readonly string[], options: FieldOptions & { default?: string } = {}) => {
  const { default: defaultValue, ...rest } = options;
  return field(name, label, 'picklist', {
    length: 255,
    picklistValues: picklistValues(values, defaultValue),
    ...(defaultValue ? { defaultedOnCreate: true, defaultValue } : {}),
    ...rest,
  });
};

const reference = (name: string, label: string, referenceTo: string[], relationshipName: string, options: FieldOptions = {}) =>
  field(name, label, 'reference', { length: 18, referenceTo, relationshipName, ...options });

/** Id, IsDeleted (when soft-deletable), audit fields and SystemModstamp: on every object. */
function systemFields(softDelete: boolean): { head: FieldDef[]; tail: FieldDef[] } {
  const stamp: FieldOptions = { ...readOnly, nillable: false, defaultedOnCreate: true };
  return {
    head: [
      field('Id', 'Record ID', 'id', { ...stamp, length: 18 }),
      ...(softDelete ? [bool('IsDeleted', 'Deleted', readOnly)] : []),
    ],
    tail: [
      datetime('CreatedDate', 'Created Date', stamp),
      reference('CreatedById', 'Created By ID', ['User'], 'CreatedBy', stamp),
      datetime('LastModifiedDate', 'Last Modified Date', stamp),
      reference('LastModifiedById', 'Last Modified By ID', ['User'], 'LastModifiedBy', stamp),
      datetime('SystemModstamp', 'System Modstamp', stamp),
    ],
  };
}

function objectDef(
  name: string,
  labels: { label: string; labelPlural: string },
  fields: FieldDef[],
  options: { softDelete?: boolean; childRelationships?: ChildRelationshipDef[]; writable?: boolean } = {},
): ObjectDef {
  const softDelete = options.softDelete ?? true;
  const writable = options.writable ?? true;
  const { head, tail } = systemFields(softDelete);
  return {
    name,
    ...labels,
    keyPrefix: KEY_PREFIXES[name as keyof typeof KEY_PREFIXES],
    fields: [...head, ...fields, ...tail],
    childRelationships: options.childRelationships ?? [],
    createable: writable,
    updateable: writable,
    deletable: writable,
    softDelete,
  };
}

const owner = (polymorphic: boolean) =>
  reference('OwnerId', 'Owner ID', polymorphic ? ['Group', 'User'] : ['User'], 'Owner', { nillable: false, defaultedOnCreate: true });

const lastActivity = () => dateField('LastActivityDate', 'Last Activity', readOnly);

/** The standard objects, in the order `describeGlobal` lists them. */
export function standardObjects(): ObjectDef[] {
  const countryCodes = Object.keys(COUNTRY_CODES);
  return [
    objectDef('Account', { label: 'Account', labelPlural: 'Accounts' }, [
      reference('MasterRecordId', 'Master Record ID', ['Account'], 'MasterRecord', readOnly),
      text('Name', 'Account Name', 255, { nillable: false, nameField: true }),
      picklist('Type', 'Account Type', ACCOUNT_TYPES),
      url('Website', 'Website'),
      phone('Phone', 'Account Phone'),
      picklist('Industry', 'Industry', INDUSTRIES),
      currency('AnnualRevenue', 'Annual Revenue', 18, 0),
      int('NumberOfEmployees', 'Employees', 8),
      text('BillingCity', 'Billing City', 40),
      text('BillingState', 'Billing State/Province', 80),
      text('BillingCountry', 'Billing Country', 80),
      picklist('BillingCountryCode', 'Billing Country Code', countryCodes, { restrictedPicklist: true, length: 10 }),
      textarea('Description', 'Account Description', 32000),
      owner(false),
      lastActivity(),
    ], {
      childRelationships: [
        { relationshipName: 'Contacts', childSObject: 'Contact', field: 'AccountId' },
        { relationshipName: 'Opportunities', childSObject: 'Opportunity', field: 'AccountId' },
        { relationshipName: 'Tasks', childSObject: 'Task', field: 'WhatId' },
        { relationshipName: 'Events', childSObject: 'Event', field: 'WhatId' },
      ],
    }),
    objectDef('Contact', { label: 'Contact', labelPlural: 'Contacts' }, [
      reference('MasterRecordId', 'Master Record ID', ['Contact'], 'MasterRecord', readOnly),
      reference('AccountId', 'Account ID', ['Account'], 'Account'),
      text('LastName', 'Last Name', 80, { nillable: false }),
      text('FirstName', 'First Name', 40),
      picklist('Salutation', 'Salutation', SALUTATIONS),
      text('Name', 'Full Name', 121, { ...readOnly, nillable: false, nameField: true }),
      text('MailingCity', 'Mailing City', 40),
      text('MailingState', 'Mailing State/Province', 80),
      text('MailingCountry', 'Mailing Country', 80),
      picklist('MailingCountryCode', 'Mailing Country Code', countryCodes, { restrictedPicklist: true, length: 10 }),
      phone('Phone', 'Business Phone'),
      phone('MobilePhone', 'Mobile Phone'),
      email('Email', 'Email'),
      text('Title', 'Title', 128),
      text('Department', 'Department', 80),
      picklist('LeadSource', 'Lead Source', LEAD_SOURCES),
      textarea('Description', 'Contact Description', 32000),
      owner(false),
      bool('HasOptedOutOfEmail', 'Email Opt Out'),
      bool('DoNotCall', 'Do Not Call'),
      text('EmailBouncedReason', 'Email Bounced Reason', 255),
      datetime('EmailBouncedDate', 'Email Bounced Date'),
      lastActivity(),
    ], {
      childRelationships: [
        { relationshipName: 'Tasks', childSObject: 'Task', field: 'WhoId' },
        { relationshipName: 'Events', childSObject: 'Event', field: 'WhoId' },
        { relationshipName: 'CampaignMembers', childSObject: 'CampaignMember', field: 'ContactId' },
        { relationshipName: 'OpportunityContactRoles', childSObject: 'OpportunityContactRole', field: 'ContactId' },
      ],
    }),
    objectDef('Lead', { label: 'Lead', labelPlural: 'Leads' }, [
      reference('MasterRecordId', 'Master Record ID', ['Lead'], 'MasterRecord', readOnly),
      text('LastName', 'Last Name', 80, { nillable: false }),
      text('FirstName', 'First Name', 40),
      picklist('Salutation', 'Salutation', SALUTATIONS),
      text('Name', 'Full Name', 121, { ...readOnly, nillable: false, nameField: true }),
      text('Title', 'Title', 128),
      text('Company', 'Company', 255, { nillable: false }),
      text('City', 'City', 40),
      text('State', 'State/Province', 80),
      text('Country', 'Country', 80),
      picklist('CountryCode', 'Country Code', countryCodes, { restrictedPicklist: true, length: 10 }),
      phone('Phone', 'Phone'),
      phone('MobilePhone', 'Mobile Phone'),
      email('Email', 'Email'),
      url('Website', 'Website'),
      textarea('Description', 'Description', 32000),
      picklist('LeadSource', 'Lead Source', LEAD_SOURCES),
      picklist('Status', 'Status', LEAD_STATUSES.map((s) => s.value), {
        nillable: false, restrictedPicklist: true, default: 'Open - Not Contacted',
      }),
      picklist('Industry', 'Industry', INDUSTRIES),
      picklist('Rating', 'Rating', RATINGS),
      currency('AnnualRevenue', 'Annual Revenue', 18, 0),
      int('NumberOfEmployees', 'Employees', 8),
      owner(true),
      bool('HasOptedOutOfEmail', 'Email Opt Out'),
      bool('DoNotCall', 'Do Not Call'),
      bool('IsConverted', 'Converted', readOnly),
      dateField('ConvertedDate', 'Converted Date', readOnly),
      reference('ConvertedAccountId', 'Converted Account ID', ['Account'], 'ConvertedAccount', readOnly),
      reference('ConvertedContactId', 'Converted Contact ID', ['Contact'], 'ConvertedContact', readOnly),
      reference('ConvertedOpportunityId', 'Converted Opportunity ID', ['Opportunity'], 'ConvertedOpportunity', readOnly),
      bool('IsUnreadByOwner', 'Unread By Owner'),
      text('EmailBouncedReason', 'Email Bounced Reason', 255),
      datetime('EmailBouncedDate', 'Email Bounced Date'),
      lastActivity(),
    ], {
      childRelationships: [
        { relationshipName: 'Tasks', childSObject: 'Task', field: 'WhoId' },
        { relationshipName: 'Events', childSObject: 'Event', field: 'WhoId' },
        { relationshipName: 'CampaignMembers', childSObject: 'CampaignMember', field: 'LeadId' },
      ],
    }),
    objectDef('Opportunity', { label: 'Opportunity', labelPlural: 'Opportunities' }, [
      reference('AccountId', 'Account ID', ['Account'], 'Account'),
      text('Name', 'Name', 120, { nillable: false, nameField: true }),
      textarea('Description', 'Description', 32000),
      picklist('StageName', 'Stage', OPPORTUNITY_STAGES.map((s) => s.value), { nillable: false, restrictedPicklist: true }),
      currency('Amount', 'Amount', 18, 2),
      field('Probability', 'Probability (%)', 'percent', { precision: 3, scale: 0 }),
      dateField('CloseDate', 'Close Date', { nillable: false }),
      picklist('Type', 'Opportunity Type', ['Existing Customer - Upgrade', 'Existing Customer - Replacement', 'Existing Customer - Downgrade', 'New Customer']),
      picklist('LeadSource', 'Lead Source', LEAD_SOURCES),
      bool('IsClosed', 'Closed', readOnly),
      bool('IsWon', 'Won', readOnly),
      picklist('ForecastCategoryName', 'Forecast Category', ['Omitted', 'Pipeline', 'Best Case', 'Commit', 'Closed']),
      reference('CampaignId', 'Campaign ID', ['Campaign'], 'Campaign'),
      owner(false),
      lastActivity(),
    ], {
      childRelationships: [
        { relationshipName: 'OpportunityContactRoles', childSObject: 'OpportunityContactRole', field: 'OpportunityId' },
        { relationshipName: 'Tasks', childSObject: 'Task', field: 'WhatId' },
        { relationshipName: 'Events', childSObject: 'Event', field: 'WhatId' },
      ],
    }),
    objectDef('OpportunityContactRole', { label: 'Opportunity Contact Role', labelPlural: 'Opportunity Contact Role' }, [
      reference('OpportunityId', 'Opportunity ID', ['Opportunity'], 'Opportunity', { nillable: false, updateable: false }),
      reference('ContactId', 'Contact ID', ['Contact'], 'Contact', { nillable: false }),
      picklist('Role', 'Role', CONTACT_ROLES),
      bool('IsPrimary', 'Primary'),
    ]),
    objectDef('Campaign', { label: 'Campaign', labelPlural: 'Campaigns' }, [
      text('Name', 'Name', 80, { nillable: false, nameField: true }),
      reference('ParentId', 'Parent Campaign ID', ['Campaign'], 'Parent'),
      picklist('Type', 'Type', CAMPAIGN_TYPES),
      picklist('Status', 'Status', CAMPAIGN_STATUSES),
      dateField('StartDate', 'Start Date'),
      dateField('EndDate', 'End Date'),
      bool('IsActive', 'Active'),
      textarea('Description', 'Description', 32000),
      int('NumberOfLeads', 'Leads in Campaign', 9, readOnly),
      int('NumberOfContacts', 'Contacts in Campaign', 9, readOnly),
      int('NumberOfResponses', 'Responses in Campaign', 9, readOnly),
      owner(false),
    ], {
      childRelationships: [
        { relationshipName: 'CampaignMembers', childSObject: 'CampaignMember', field: 'CampaignId' },
        { relationshipName: 'Opportunities', childSObject: 'Opportunity', field: 'CampaignId' },
      ],
    }),
    objectDef('CampaignMember', { label: 'Campaign Member', labelPlural: 'Campaign Members' }, [
      reference('CampaignId', 'Campaign ID', ['Campaign'], 'Campaign', { nillable: false, updateable: false }),
      reference('LeadId', 'Lead ID', ['Lead'], 'Lead', { updateable: false }),
      reference('ContactId', 'Contact ID', ['Contact'], 'Contact', { updateable: false }),
      reference('LeadOrContactId', 'Lead or Contact ID', ['Contact', 'Lead'], 'LeadOrContact', readOnly),
      picklist('Status', 'Status', CAMPAIGN_MEMBER_STATUSES.map((s) => s.value), { default: 'Sent' }),
      bool('HasResponded', 'Responded', readOnly),
      dateField('FirstRespondedDate', 'First Responded Date', readOnly),
      text('Type', 'Type', 40, readOnly),
    ]),
    objectDef('Task', { label: 'Task', labelPlural: 'Tasks' }, [
      reference('WhoId', 'Name ID', ['Contact', 'Lead'], 'Who'),
      reference('WhatId', 'Related To ID', ['Account', 'Campaign', 'Opportunity'], 'What'),
      field('Subject', 'Subject', 'combobox', { length: 255 }),
      dateField('ActivityDate', 'Due Date Only'),
      picklist('Status', 'Status', TASK_STATUSES.map((s) => s.value), { nillable: false, restrictedPicklist: true, default: 'Not Started' }),
      picklist('Priority', 'Priority', TASK_PRIORITIES, { nillable: false, restrictedPicklist: true, default: 'Normal' }),
      reference('OwnerId', 'Assigned To ID', ['Group', 'User'], 'Owner', { nillable: false, defaultedOnCreate: true }),
      textarea('Description', 'Description', 32000),
      picklist('Type', 'Type', TASK_TYPES),
      picklist('TaskSubtype', 'Task Subtype', TASK_SUBTYPES, { updateable: false, defaultedOnCreate: true, default: 'Task' }),
      bool('IsClosed', 'Closed', readOnly),
      bool('IsHighPriority', 'High Priority', readOnly),
      reference('AccountId', 'Account ID', ['Account'], 'Account', readOnly),
      int('CallDurationInSeconds', 'Call Duration', 8),
      picklist('CallType', 'Call Type', CALL_TYPES),
      text('CallDisposition', 'Call Result', 255),
      bool('IsReminderSet', 'Reminder Set'),
      datetime('ReminderDateTime', 'Reminder Date/Time'),
      datetime('CompletedDateTime', 'Completed Date/Time', readOnly),
      // archived activities (over a year old in a real org) answer queryAll only
      bool('IsArchived', 'Archived', readOnly),
    ]),
    // calendar events a rep puts on a lead or contact (meetings, scheduled calls); ActivityDateTime
    // and StartDateTime are the same moment, EndDateTime = start + DurationInMinutes (record-writes.ts)
    objectDef('Event', { label: 'Event', labelPlural: 'Events' }, [
      reference('WhoId', 'Name ID', ['Contact', 'Lead'], 'Who'),
      reference('WhatId', 'Related To ID', ['Account', 'Campaign', 'Opportunity'], 'What'),
      field('Subject', 'Subject', 'combobox', { length: 255 }),
      text('Location', 'Location', 255),
      bool('IsAllDayEvent', 'All-Day Event'),
      datetime('ActivityDateTime', 'Due Date Time'),
      dateField('ActivityDate', 'Due Date Only'),
      datetime('StartDateTime', 'Start Date Time'),
      datetime('EndDateTime', 'End Date Time'),
      int('DurationInMinutes', 'Duration', 8),
      reference('OwnerId', 'Assigned To ID', ['User'], 'Owner', { nillable: false, defaultedOnCreate: true }),
      textarea('Description', 'Description', 32000),
      picklist('Type', 'Type', TASK_TYPES),
      picklist('EventSubtype', 'Event Subtype', ['Event'], { updateable: false, defaultedOnCreate: true, default: 'Event' }),
      picklist('ShowAs', 'Show Time As', ['Busy', 'OutOfOffice', 'Free'], { default: 'Busy' }),
      bool('IsPrivate', 'Private'),
      reference('AccountId', 'Account ID', ['Account'], 'Account', readOnly),
      bool('IsArchived', 'Archived', readOnly),
    ]),
    objectDef('LeadStatus', { label: 'Lead Status Value', labelPlural: 'Lead Status Value' }, [
      text('MasterLabel', 'Master Label', 255, { nillable: false }),
      text('ApiName', 'Api Name', 255, { nillable: false }),
      int('SortOrder', 'Sort Order', 9),
      bool('IsDefault', 'Is Default'),
      bool('IsConverted', 'Is Converted'),
    ], { softDelete: false, writable: false }),
    objectDef('User', { label: 'User', labelPlural: 'Users' }, [
      text('Username', 'Username', 80, { nillable: false, unique: true }),
      text('LastName', 'Last Name', 80, { nillable: false }),
      text('FirstName', 'First Name', 40),
      text('Name', 'Full Name', 121, { ...readOnly, nillable: false, nameField: true }),
      text('Alias', 'Alias', 8, { nillable: false }),
      email('Email', 'Email'),
      text('Title', 'Title', 80),
      text('Department', 'Department', 80),
      bool('IsActive', 'Active'),
      picklist('UserType', 'User Type', ['Standard', 'PowerPartner', 'CsnOnly', 'Guest', 'AutomatedProcess'], readOnly),
      reference('ManagerId', 'Manager ID', ['User'], 'Manager'),
      reference('UserRoleId', 'Role ID', ['UserRole'], 'UserRole'),
      // the user's own zone (Setup > Users > Time Zone); the values are IANA names, a restricted picklist
      picklist('TimeZoneSidKey', 'Time Zone', TIME_ZONE_SID_KEYS, { nillable: false, restrictedPicklist: true }),
    ], { softDelete: false, writable: false }),
    objectDef('UserRole', { label: 'Role', labelPlural: 'Roles' }, [
      text('Name', 'Name', 80, { nillable: false, nameField: true }),
      text('DeveloperName', 'Developer Name', 80),
      reference('ParentRoleId', 'Parent Role ID', ['UserRole'], 'ParentRole'),
    ], { softDelete: false, writable: false }),
    objectDef('Group', { label: 'Group', labelPlural: 'Groups' }, [
      text('Name', 'Name', 40, { nillable: false, nameField: true }),
      text('DeveloperName', 'Developer Name', 80),
      picklist('Type', 'Type', ['Regular', 'Role', 'Queue', 'Organization'], { nillable: false, restrictedPicklist: true }),
      email('Email', 'Email'),
      bool('DoesSendEmailToMembers', 'Send Email to Members'),
      reference('OwnerId', 'Owner ID', ['User'], 'Owner', { nillable: false, defaultedOnCreate: true }),
    ], {
      softDelete: false,
      writable: false,
      childRelationships: [{ relationshipName: 'GroupMembers', childSObject: 'GroupMember', field: 'GroupId' }],
    }),
    objectDef('GroupMember', { label: 'Group Member', labelPlural: 'Group Members' }, [
      reference('GroupId', 'Group ID', ['Group'], 'Group', { nillable: false }),
      reference('UserOrGroupId', 'User/Group ID', ['Group', 'User'], 'UserOrGroup', { nillable: false }),
    ], { softDelete: false, writable: false }),
    objectDef('QueueSobject', { label: 'Queue Sobject', labelPlural: 'Queue Sobjects' }, [
      reference('QueueId', 'Group ID', ['Group'], 'Queue', { nillable: false }),
      picklist('SobjectType', 'sObject Type', ['Lead', 'Task', 'Case'], { nillable: false }),
    ], { softDelete: false, writable: false }),
    // Setup objects the integration user needs "Manage Profiles and Permission Sets" / "Assign
    // Permission Sets" to write (permissions.ts checks them and turns them into field-level security)
    objectDef('PermissionSet', { label: 'Permission Set', labelPlural: 'Permission Sets' }, [
      text('Name', 'Name', 80, { nillable: false, unique: true }),
      text('Label', 'Label', 80, { nillable: false, nameField: true }),
      textarea('Description', 'Description', 255),
      bool('IsOwnedByProfile', 'Is Owned By Profile', readOnly),
      bool('IsCustom', 'Custom', { ...readOnly, defaultValue: true }),
      text('NamespacePrefix', 'Namespace Prefix', 15, readOnly),
    ], {
      softDelete: false,
      childRelationships: [
        { relationshipName: 'FieldPerms', childSObject: 'FieldPermissions', field: 'ParentId' },
        { relationshipName: 'Assignments', childSObject: 'PermissionSetAssignment', field: 'PermissionSetId' },
      ],
    }),
    objectDef('FieldPermissions', { label: 'Field Permissions', labelPlural: 'Field Permissions' }, [
      reference('ParentId', 'Parent ID', ['PermissionSet'], 'Parent', { nillable: false, updateable: false }),
      text('SobjectType', 'SObject Type Name', 40, { nillable: false, updateable: false }),
      text('Field', 'Field Name', 80, { nillable: false, updateable: false }),
      bool('PermissionsRead', 'Read Field'),
      bool('PermissionsEdit', 'Edit Field'),
    ], { softDelete: false }),
    objectDef('PermissionSetAssignment', { label: 'Permission Set Assignment', labelPlural: 'Permission Set Assignments' }, [
      reference('AssigneeId', 'Assignee ID', ['User'], 'Assignee', { nillable: false, updateable: false }),
      reference('PermissionSetId', 'Permission Set ID', ['PermissionSet'], 'PermissionSet', { nillable: false, updateable: false }),
    ], { softDelete: false }),
  ];
}
