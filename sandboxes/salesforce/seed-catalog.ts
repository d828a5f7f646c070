/**
 * The fixed vocabulary of the synthetic Salesforce org. It is the same fictional vendor as the
 * HubSpot portal ("Uptime Forge", predictive maintenance for industrial plants; kit/people-catalog.ts)
 * so both connectors meet the same people and rulebook; what differs is Salesforce's own vocabulary: the standard
 * Industry picklist, Lead Status values, campaigns and their member statuses, queues, rep-logged tasks.
 */
import { COMPANY_NAME_PARTS, COMPETITOR_DOMAINS, COMPETITOR_NAMES, SALES_TEAM } from '../kit/people-catalog';
import { KEY_PREFIXES, makeId } from './ids';

export const ORG_ID = makeId(KEY_PREFIXES.Organization, 0);
export const ORG_NAME = 'Uptime Forge';

export interface SeedUser {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  username: string;
  title: string;
  department: string;
  isActive: boolean;
  /** Works leads (owner, task author). */
  rep: boolean;
  /** User.TimeZoneSidKey: where the user works (the SLA clock runs in it). */
  timeZone: string;
  /** The role (UserRole.Name): the user's team. */
  role: string;
}

/** Where each member of the sales team works, by first name (the team spans the US, Europe and Japan). */
const TIME_ZONES: Record<string, string> = {
  Dana: 'America/New_York', Marcus: 'America/Chicago', Priya: 'America/New_York', Tom: 'America/Los_Angeles',
  Elena: 'Europe/Berlin', Grant: 'America/Denver', Keiko: 'Asia/Tokyo', Sam: 'America/New_York',
  Jordan: 'America/Chicago', Leadstage: 'America/Los_Angeles',
};

/** The role hierarchy: the VP of Sales on top, a role per team below. */
export const ROLES: readonly { id: string; name: string; developerName: string; parent: string | null }[] = [
  { name: 'Sales Management', developerName: 'Sales_Management', parent: null },
  { name: 'Inside Sales', developerName: 'Inside_Sales', parent: 'Sales Management' },
  { name: 'Field Sales', developerName: 'Field_Sales', parent: 'Sales Management' },
  { name: 'Marketing', developerName: 'Marketing', parent: 'Sales Management' },
  { name: 'IT', developerName: 'IT', parent: null },
].map((role, index) => ({ ...role, id: makeId(KEY_PREFIXES.UserRole, index) }));

const TITLES: Record<string, string> = {
  'Sales Management': 'VP of Sales',
  'Inside Sales': 'Sales Development Representative',
  'Field Sales': 'Account Executive',
  Marketing: 'Marketing Operations Manager',
};

/** Users in id order: the sales team (the HubSpot portal's owners), a former rep, and the integration user. */
export const USERS: readonly SeedUser[] = [
  ...SALES_TEAM.map((o) => ({
    firstName: o.firstName,
    lastName: o.lastName,
    email: o.email,
    title: TITLES[o.team] ?? 'Sales',
    department: o.team,
    rep: o.team === 'Inside Sales' || o.team === 'Field Sales',
  })),
  { firstName: 'Jordan', lastName: 'Pike', email: 'jordan.pike@uptimeforge.com', title: 'Account Executive', department: 'Field Sales', rep: false },
  { firstName: 'Leadstage', lastName: 'Integration', email: 'integration@uptimeforge.com', title: 'Integration User', department: 'IT', rep: false },
].map((u, index) => ({
  ...u,
  id: makeId(KEY_PREFIXES.User, index),
  username: `${u.email}.prod`,
  timeZone: TIME_ZONES[u.firstName] ?? 'America/New_York',
  role: u.department,
  // Jordan left the company; old leads still point at the inactive user, as in real orgs
  isActive: u.firstName !== 'Jordan',
}));

function user(first: string): SeedUser {
  const found = USERS.find((u) => u.firstName === first);
  if (!found) throw new Error(`no seed user ${first}`);
  return found;
}

export const INTEGRATION_USER = user('Leadstage');
export const MARKETING_USER = user('Sam');
export const SALES_MANAGER = user('Dana');
export const INACTIVE_USER = user('Jordan');
export const INSIDE_REPS = USERS.filter((u) => u.department === 'Inside Sales' && u.isActive);
export const FIELD_REPS = USERS.filter((u) => u.department === 'Field Sales' && u.isActive);
export const REPS = [...INSIDE_REPS, ...FIELD_REPS];

export interface SeedQueue {
  id: string;
  name: string;
  developerName: string;
  email: string;
  members: readonly SeedUser[];
  sobjects: readonly string[];
}

/** Queues (Group Type 'Queue'); the lead assignment rule round-robins a queue's leads over its members. */
export const QUEUES: readonly SeedQueue[] = [
  { name: 'Inbound Leads', developerName: 'Inbound_Leads', email: 'inbound@uptimeforge.com', members: INSIDE_REPS, sobjects: ['Lead', 'Task'] },
  { name: 'Enterprise Leads', developerName: 'Enterprise_Leads', email: 'enterprise@uptimeforge.com', members: FIELD_REPS, sobjects: ['Lead', 'Task'] },
  { name: 'Marketing Nurture', developerName: 'Marketing_Nurture', email: 'nurture@uptimeforge.com', members: [MARKETING_USER], sobjects: ['Lead'] },
].map((q, index) => ({ ...q, id: makeId(KEY_PREFIXES.Group, index) }));

export const INBOUND_QUEUE = QUEUES[0]!;
export const ENTERPRISE_QUEUE = QUEUES[1]!;
export const NURTURE_QUEUE = QUEUES[2]!;

/** Industries (Salesforce's standard picklist) the default rulebook treats as a fit. */
export const SF_TARGET_INDUSTRIES = [
  'Manufacturing', 'Energy', 'Utilities', 'Chemicals', 'Engineering', 'Machinery', 'Transportation', 'Construction',
] as const;
export const SF_NON_TARGET_INDUSTRIES = ['Retail', 'Education', 'Hospitality', 'Consulting', 'Finance', 'Technology'] as const;

/** Company-name parts per Salesforce industry (the HubSpot portal's tables where they fit). */
export const SF_COMPANY_NAME_PARTS: Readonly<Record<string, { heads: readonly string[]; tails: readonly string[] }>> = {
  Manufacturing: COMPANY_NAME_PARTS.MECHANICAL_OR_INDUSTRIAL_ENGINEERING!,
  Energy: COMPANY_NAME_PARTS.OIL_ENERGY!,
  Utilities: COMPANY_NAME_PARTS.UTILITIES!,
  Chemicals: COMPANY_NAME_PARTS.CHEMICALS!,
  Engineering: COMPANY_NAME_PARTS.INDUSTRIAL_AUTOMATION!,
  Machinery: COMPANY_NAME_PARTS.MACHINERY!,
  Transportation: {
    heads: ['Interstate', 'Crossroads', 'Keystone', 'Great Lakes', 'Heartland', 'Coastal', 'Pioneer', 'Union', 'Summit', 'Liberty'],
    tails: ['Rail Services', 'Freight Lines', 'Logistics', 'Fleet Services', 'Transit Authority'],
  },
  Construction: {
    heads: ['Granite', 'Bedrock', 'Ironside', 'Cornerstone', 'Steelbridge', 'Ridgeway', 'Foundation', 'Keystone', 'Prairie', 'Bluestone'],
    tails: ['Construction', 'Builders', 'Heavy Civil', 'Aggregates', 'Contractors'],
  },
  Retail: COMPANY_NAME_PARTS.RETAIL!,
  Education: COMPANY_NAME_PARTS.EDUCATION_MANAGEMENT!,
  Hospitality: COMPANY_NAME_PARTS.HOSPITALITY!,
  Technology: COMPANY_NAME_PARTS.COMPUTER_SOFTWARE!,
  Consulting: {
    heads: ['Bright Path', 'Northstar', 'Clearview', 'Keystone', 'Meridian', 'Insight', 'Pinnacle', 'Catalyst', 'Trueline', 'Elevate'],
    tails: ['Consulting', 'Advisors', 'Partners', 'Strategy Group', 'Associates'],
  },
  Finance: {
    heads: ['First Harbor', 'Evergreen', 'Summit', 'Granite', 'Liberty', 'Heritage', 'Anchor', 'Cornerstone', 'Fidelity Park', 'Oakmont'],
    tails: ['Capital', 'Financial', 'Bank', 'Credit Union', 'Wealth Partners'],
  },
};

export const COMPETITORS = COMPETITOR_DOMAINS.map((domain, index) => ({
  domain,
  name: COMPETITOR_NAMES[index] ?? domain,
}));

export type CampaignKey =
  | 'webinarPdm101' | 'webinarRoi' | 'webinarVibrationQa' | 'webinarWinter' | 'tradeShowImts' | 'tradeShowSummit'
  | 'newsletterSep' | 'newsletterOct' | 'newsletterNov' | 'nurtureDowntime' | 'syndicationQ4' | 'websiteDemo'
  | 'websiteTrial' | 'websiteContactSales' | 'websiteContent';

export interface SeedCampaign {
  key: CampaignKey;
  name: string;
  type: string;
  /** Days before `now` the campaign started; negative = in the future. */
  startDaysAgo: number;
  endDaysAgo: number;
  description: string;
}

export const CAMPAIGNS: readonly (SeedCampaign & { id: string })[] = ([
  { key: 'webinarPdm101', name: 'Webinar: Predictive Maintenance 101', type: 'Webinar', startDaysAgo: 95, endDaysAgo: 88, description: 'Live webinar, 45 minutes, with Q&A' },
  { key: 'webinarRoi', name: 'Webinar: The ROI of Condition Monitoring', type: 'Webinar', startDaysAgo: 50, endDaysAgo: 42, description: 'Live webinar with a customer panel' },
  { key: 'webinarVibrationQa', name: 'Webinar: Vibration Analysis Live Q&A', type: 'Webinar', startDaysAgo: 19, endDaysAgo: 12, description: 'Ask-me-anything with our reliability engineers' },
  { key: 'webinarWinter', name: 'Webinar: Winter Reliability Readiness', type: 'Webinar', startDaysAgo: 6, endDaysAgo: -10, description: 'Upcoming; registrations open' },
  { key: 'tradeShowImts', name: 'IMTS 2026 Chicago', type: 'Trade Show', startDaysAgo: 78, endDaysAgo: 72, description: 'Booth #4417, badge scans' },
  { key: 'tradeShowSummit', name: 'Reliability Summit 2026', type: 'Trade Show', startDaysAgo: 33, endDaysAgo: 31, description: 'Sponsor booth and a talk' },
  { key: 'newsletterSep', name: 'Newsletter - September', type: 'Email', startDaysAgo: 85, endDaysAgo: 85, description: 'The Reliability Roundup' },
  { key: 'newsletterOct', name: 'Newsletter - October', type: 'Email', startDaysAgo: 55, endDaysAgo: 55, description: 'The Reliability Roundup' },
  { key: 'newsletterNov', name: 'Newsletter - November', type: 'Email', startDaysAgo: 24, endDaysAgo: 24, description: 'The Reliability Roundup' },
  { key: 'nurtureDowntime', name: 'Nurture: Cost of Downtime', type: 'Email', startDaysAgo: 110, endDaysAgo: -60, description: 'Always-on nurture track' },
  { key: 'syndicationQ4', name: 'Content Syndication - Industrial Insights Q4', type: 'Content Syndication', startDaysAgo: 60, endDaysAgo: 0, description: 'Purchased syndicated leads (ebook downloads on a partner site)' },
  { key: 'websiteDemo', name: 'Website - Demo request', type: 'Website', startDaysAgo: 400, endDaysAgo: -365, description: 'Demo request form on /demo' },
  { key: 'websiteTrial', name: 'Website - Free trial', type: 'Website', startDaysAgo: 400, endDaysAgo: -365, description: 'Free trial sign-up on /free-trial' },
  { key: 'websiteContactSales', name: 'Website - Pricing page contact sales', type: 'Website', startDaysAgo: 400, endDaysAgo: -365, description: 'Contact sales form on /pricing' },
  { key: 'websiteContent', name: 'Website - Content download', type: 'Website', startDaysAgo: 400, endDaysAgo: -365, description: 'Gated ebooks, whitepapers and checklists' },
] satisfies SeedCampaign[]).map((c, index) => ({ ...c, id: makeId(KEY_PREFIXES.Campaign, index) }));

export function campaign(key: CampaignKey): SeedCampaign & { id: string } {
  return CAMPAIGNS.find((c) => c.key === key)!;
}

export const WEBINAR_CAMPAIGNS: readonly CampaignKey[] = ['webinarPdm101', 'webinarRoi', 'webinarVibrationQa'];
export const NEWSLETTER_CAMPAIGNS: readonly CampaignKey[] = ['newsletterSep', 'newsletterOct', 'newsletterNov'];
export const TRADE_SHOW_CAMPAIGNS: readonly CampaignKey[] = ['tradeShowImts', 'tradeShowSummit'];

export const PRODUCTS = ['Asset Health Platform', 'Wireless Vibration Sensors', 'Oil Analysis Service', 'Reliability Services'] as const;

export const CALL_DISPOSITIONS = ['Connected', 'Left voicemail', 'No answer', 'Wrong number', 'Meeting booked', 'Not interested'] as const;
export const EMAIL_SUBJECTS = [
  'Email: Following up on your demo request',
  'Email: Quick question about your maintenance program',
  'Email: Resources from the webinar',
  'Email: Checking in',
  'Email: Pricing overview',
  'Email: Next steps',
] as const;
export const FOLLOW_UP_SUBJECTS = ['Follow up', 'Send pricing', 'Schedule discovery call', 'Check in after trial'] as const;
