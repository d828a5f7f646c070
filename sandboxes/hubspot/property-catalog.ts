/**
 * Property definitions: the contact schema served by the properties API (so a connector can validate
 * its field mapping against it, STYLE.md "cal.com"), and the value types the search filter needs for
 * every object type (dates and numbers compare numerically, strings case-insensitively).
 */
export const PROPERTY_TYPES = ['string', 'number', 'date', 'datetime', 'enumeration', 'bool'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];
export const FIELD_TYPES = [
  'text', 'textarea', 'number', 'select', 'radio', 'checkbox', 'booleancheckbox', 'date', 'file', 'calculation_equation',
  'phonenumber', 'html',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
  description?: string;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: FieldType;
  description: string;
  groupName: string;
  options: PropertyOption[];
  displayOrder: number;
  calculated: boolean;
  externalOptions: boolean;
  hasUniqueValue: boolean;
  hidden: boolean;
  hubspotDefined?: boolean;
  formField: boolean;
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean };
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  createdUserId?: string;
}

export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

/** HubSpot's default lifecycle stages, in order; the order is what forward-only means. */
export const LIFECYCLE_STAGES = [
  ['subscriber', 'Subscriber'],
  ['lead', 'Lead'],
  ['marketingqualifiedlead', 'Marketing Qualified Lead'],
  ['salesqualifiedlead', 'Sales Qualified Lead'],
  ['opportunity', 'Opportunity'],
  ['customer', 'Customer'],
  ['evangelist', 'Evangelist'],
  ['other', 'Other'],
] as const;

export const LEAD_STATUSES = [
  ['NEW', 'New'], ['OPEN', 'Open'], ['IN_PROGRESS', 'In Progress'], ['OPEN_DEAL', 'Open Deal'],
  ['UNQUALIFIED', 'Unqualified'], ['ATTEMPTED_TO_CONTACT', 'Attempted to Contact'], ['CONNECTED', 'Connected'],
  ['BAD_TIMING', 'Bad Timing'],
] as const;

const DEFAULT_GROUPS: [string, string][] = [
  ['contactinformation', 'Contact information'],
  ['sales_properties', 'Sales properties'],
  ['analyticsinformation', 'Web analytics history'],
  ['conversioninformation', 'Conversion information'],
  ['emailinformation', 'Email information'],
  ['lifecycle_dates', 'Lifecycle stage dates'],
  ['deal_information', 'Deal information'],
];

type Row = [name: string, label: string, type: PropertyType, fieldType: FieldType, group: string, readOnly?: boolean, options?: readonly (readonly [string, string])[]];

const ANALYTICS_SOURCES = [
  ['ORGANIC_SEARCH', 'Organic Search'], ['PAID_SEARCH', 'Paid Search'], ['EMAIL_MARKETING', 'Email Marketing'],
  ['SOCIAL_MEDIA', 'Organic Social'], ['REFERRALS', 'Referrals'], ['OTHER_CAMPAIGNS', 'Other Campaigns'],
  ['DIRECT_TRAFFIC', 'Direct Traffic'], ['OFFLINE', 'Offline Sources'], ['PAID_SOCIAL', 'Paid Social'],
] as const;

const CONTACT_ROWS: Row[] = [
  ['email', 'Email', 'string', 'text', 'contactinformation'],
  ['firstname', 'First Name', 'string', 'text', 'contactinformation'],
  ['lastname', 'Last Name', 'string', 'text', 'contactinformation'],
  ['jobtitle', 'Job Title', 'string', 'text', 'contactinformation'],
  ['phone', 'Phone Number', 'string', 'phonenumber', 'contactinformation'],
  ['mobilephone', 'Mobile Phone Number', 'string', 'phonenumber', 'contactinformation'],
  ['company', 'Company Name', 'string', 'text', 'contactinformation'],
  ['website', 'Website URL', 'string', 'text', 'contactinformation'],
  ['country', 'Country/Region', 'string', 'text', 'contactinformation'],
  ['city', 'City', 'string', 'text', 'contactinformation'],
  ['state', 'State/Region', 'string', 'text', 'contactinformation'],
  ['lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', 'contactinformation', false, LIFECYCLE_STAGES],
  ['hubspot_owner_id', 'Contact owner', 'enumeration', 'select', 'sales_properties'],
  ['hs_lead_status', 'Lead Status', 'enumeration', 'radio', 'sales_properties', false, LEAD_STATUSES],
  ['associatedcompanyid', 'Primary Associated Company ID', 'number', 'number', 'contactinformation', true],
  ['createdate', 'Create Date', 'datetime', 'date', 'contactinformation', true],
  ['lastmodifieddate', 'Last Modified Date', 'datetime', 'date', 'contactinformation', true],
  ['hs_object_id', 'Record ID', 'number', 'number', 'contactinformation', true],
  ['hs_email_domain', 'Email Domain', 'string', 'text', 'emailinformation', true],
  ['ip_country', 'IP Country', 'string', 'text', 'analyticsinformation', true],
  ['ip_country_code', 'IP Country Code', 'string', 'text', 'analyticsinformation', true],
  ['ip_city', 'IP City', 'string', 'text', 'analyticsinformation', true],
  ['hs_analytics_source', 'Original Traffic Source', 'enumeration', 'select', 'analyticsinformation', true, ANALYTICS_SOURCES],
  ['hs_analytics_source_data_1', 'Original Traffic Source Drill-Down 1', 'string', 'text', 'analyticsinformation', true],
  ['hs_analytics_num_page_views', 'Number of Pageviews', 'number', 'number', 'analyticsinformation', true],
  ['hs_analytics_num_visits', 'Number of Sessions', 'number', 'number', 'analyticsinformation', true],
  ['hs_analytics_first_timestamp', 'Time First Seen', 'datetime', 'date', 'analyticsinformation', true],
  ['hs_analytics_last_visit_timestamp', 'Time of Last Session', 'datetime', 'date', 'analyticsinformation', true],
  ['num_conversion_events', 'Number of Form Submissions', 'number', 'number', 'conversioninformation', true],
  ['first_conversion_date', 'First Conversion Date', 'datetime', 'date', 'conversioninformation', true],
  ['first_conversion_event_name', 'First Conversion', 'string', 'text', 'conversioninformation', true],
  ['recent_conversion_date', 'Recent Conversion Date', 'datetime', 'date', 'conversioninformation', true],
  ['recent_conversion_event_name', 'Recent Conversion', 'string', 'text', 'conversioninformation', true],
  ['hs_email_open', 'Marketing emails opened', 'number', 'number', 'emailinformation', true],
  ['hs_email_click', 'Marketing emails clicked', 'number', 'number', 'emailinformation', true],
  ['hs_email_last_open_date', 'Last marketing email open date', 'datetime', 'date', 'emailinformation', true],
  ['hs_email_last_click_date', 'Last marketing email click date', 'datetime', 'date', 'emailinformation', true],
  ['hs_email_optout', 'Unsubscribed from all email', 'bool', 'booleancheckbox', 'emailinformation', true, [['true', 'Yes'], ['false', 'No']]],
  ['hs_email_bounce', 'Marketing emails bounced', 'number', 'number', 'emailinformation', true],
  ['hs_email_hard_bounce_reason_enum', 'Email hard bounce reason', 'enumeration', 'select', 'emailinformation', true,
    [['UNKNOWN_USER', 'Unknown user'], ['MAILBOX_FULL', 'Mailbox full'], ['OTHER', 'Other']]],
  ['num_associated_deals', 'Number of Associated Deals', 'number', 'number', 'deal_information', true],
  ...LIFECYCLE_STAGES.flatMap(([stage, label]): Row[] => [
    [`hs_lifecyclestage_${stage}_date`, `Became a ${label} Date`, 'datetime', 'date', 'lifecycle_dates', true],
    [`hs_v2_date_entered_${stage}`, `Date entered "${label} (Lifecycle Stage Pipeline)"`, 'datetime', 'date', 'lifecycle_dates', true],
  ]),
];

function definition(row: Row, displayOrder: number, stamp: string): PropertyDefinition {
  const [name, label, type, fieldType, groupName, readOnly = false, options = []] = row;
  return {
    name, label, type, fieldType, groupName, description: '',
    options: options.map(([value, optionLabel], i) => ({ label: optionLabel, value, displayOrder: i, hidden: false })),
    displayOrder, calculated: false, externalOptions: name === 'hubspot_owner_id', hasUniqueValue: name === 'email',
    hidden: false, hubspotDefined: true, formField: !readOnly,
    modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: readOnly },
    createdAt: stamp, updatedAt: stamp, archived: false,
  };
}

export function defaultContactProperties(stamp: string): PropertyDefinition[] {
  return CONTACT_ROWS.map((row, i) => definition(row, i, stamp));
}

export function defaultContactGroups(): PropertyGroup[] {
  return DEFAULT_GROUPS.map(([name, label], displayOrder) => ({ name, label, displayOrder, archived: false }));
}

/** Value types of the other objects' properties, for search filters and sorts. */
export const OBJECT_PROPERTY_TYPES: Readonly<Record<string, Readonly<Record<string, PropertyType>>>> = {
  companies: {
    hs_object_id: 'number', name: 'string', domain: 'string', website: 'string', industry: 'enumeration',
    numberofemployees: 'number', annualrevenue: 'number', country: 'string', city: 'string', state: 'string',
    createdate: 'datetime', hs_lastmodifieddate: 'datetime', phone: 'string', description: 'string',
  },
  deals: {
    hs_object_id: 'number', dealname: 'string', dealstage: 'enumeration', pipeline: 'enumeration', amount: 'number',
    closedate: 'datetime', createdate: 'datetime', hs_lastmodifieddate: 'datetime', hs_is_closed_won: 'bool',
    hs_is_closed: 'bool', hubspot_owner_id: 'enumeration',
  },
  tasks: {
    hs_object_id: 'number', hs_timestamp: 'datetime', hs_task_subject: 'string', hs_task_body: 'string',
    hubspot_owner_id: 'enumeration', hs_task_status: 'enumeration', hs_task_priority: 'enumeration',
    hs_task_type: 'enumeration', hs_createdate: 'datetime', hs_lastmodifieddate: 'datetime', hs_task_reminders: 'datetime',
  },
  meetings: {
    hs_object_id: 'number', hs_timestamp: 'datetime', hs_meeting_title: 'string', hs_meeting_start_time: 'datetime',
    hs_meeting_end_time: 'datetime', hs_meeting_outcome: 'enumeration', hubspot_owner_id: 'enumeration',
    hs_createdate: 'datetime', hs_lastmodifieddate: 'datetime', hs_activity_type: 'enumeration',
  },
  calls: {
    hs_object_id: 'number', hs_timestamp: 'datetime', hs_call_title: 'string', hs_call_direction: 'enumeration',
    hs_call_duration: 'number', hs_call_status: 'enumeration', hs_call_disposition: 'enumeration',
    hubspot_owner_id: 'enumeration', hs_createdate: 'datetime', hs_lastmodifieddate: 'datetime',
  },
  emails: {
    hs_object_id: 'number', hs_timestamp: 'datetime', hs_email_direction: 'enumeration', hs_email_status: 'enumeration',
    hs_email_subject: 'string', hs_email_text: 'string', hs_email_html: 'string', hubspot_owner_id: 'enumeration',
    hs_createdate: 'datetime', hs_lastmodifieddate: 'datetime',
  },
};

/** Email engagement enumerations HubSpot validates on create. */
export const EMAIL_ENUMS: Readonly<Record<string, readonly string[]>> = {
  hs_email_direction: ['EMAIL', 'INCOMING_EMAIL', 'FORWARDED_EMAIL'],
  hs_email_status: ['BOUNCED', 'FAILED', 'SCHEDULED', 'SENDING', 'SENT'],
};

/** Email engagement content HubSpot redacts (null) for a token without the sales-email-read scope. */
export const EMAIL_CONTENT_PROPERTIES: readonly string[] = ['hs_email_subject', 'hs_email_text', 'hs_email_html'];

/** Task property enumerations HubSpot validates on create. */
export const TASK_ENUMS: Readonly<Record<string, readonly string[]>> = {
  hs_task_status: ['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED'],
  hs_task_priority: ['NONE', 'LOW', 'MEDIUM', 'HIGH'],
  hs_task_type: ['EMAIL', 'CALL', 'TODO', 'LINKED_IN'],
};
