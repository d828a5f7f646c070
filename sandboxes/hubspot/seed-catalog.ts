/**
 * The fixed vocabulary of the synthetic portal: who sells what to whom. The portal belongs to
 * "Uptime Forge", the fictional vendor of predictive-maintenance software both sandboxes share
 * (kit/people-catalog.ts: countries, names, titles, company names, competitors, the sales team);
 * here is what is HubSpot's own: industries, pages, forms, email campaigns, owner ids and deal stages.
 * Tables are data so a test or the README can quote them.
 */
import { SALES_TEAM } from '../kit/people-catalog';

export { COMPETITOR_DOMAINS, PERSONA_TITLES, PERSONAL_EMAIL_DOMAINS } from '../kit/people-catalog';

export const PORTAL_ID = 24681357;
export const SITE_URL = 'https://www.uptimeforge.com';

/** Students sign up with a university address (an exclusion in the rulebook). */
export const STUDENT_EMAIL_DOMAINS = ['state.edu', 'tech.edu', 'polytechnic.edu', 'midwestern.edu'] as const;

/** HubSpot's company `industry` enumeration values (internal names), split by fit. */
export const TARGET_INDUSTRIES = [
  'MECHANICAL_OR_INDUSTRIAL_ENGINEERING',
  'MACHINERY',
  'INDUSTRIAL_AUTOMATION',
  'OIL_ENERGY',
  'UTILITIES',
  'CHEMICALS',
  'AUTOMOTIVE',
  'MINING_METALS',
  'PAPER_FOREST_PRODUCTS',
] as const;
export const NON_TARGET_INDUSTRIES = [
  'RETAIL',
  'EDUCATION_MANAGEMENT',
  'HOSPITALITY',
  'RESTAURANTS',
  'COMPUTER_SOFTWARE',
  'MARKETING_AND_ADVERTISING',
] as const;
export const INDUSTRY_LABELS: Readonly<Record<string, string>> = {
  MECHANICAL_OR_INDUSTRIAL_ENGINEERING: 'Mechanical or Industrial Engineering',
  MACHINERY: 'Machinery',
  INDUSTRIAL_AUTOMATION: 'Industrial Automation',
  OIL_ENERGY: 'Oil & Energy',
  UTILITIES: 'Utilities',
  CHEMICALS: 'Chemicals',
  AUTOMOTIVE: 'Automotive',
  MINING_METALS: 'Mining & Metals',
  PAPER_FOREST_PRODUCTS: 'Paper & Forest Products',
  RETAIL: 'Retail',
  EDUCATION_MANAGEMENT: 'Education Management',
  HOSPITALITY: 'Hospitality',
  RESTAURANTS: 'Restaurants',
  COMPUTER_SOFTWARE: 'Computer Software',
  MARKETING_AND_ADVERTISING: 'Marketing & Advertising',
  HIGHER_EDUCATION: 'Higher Education',
};

export const STUDENT_TITLES = ['Student', 'Graduate Student', 'Engineering Student', 'Research Assistant'] as const;

export type PageKind =
  | 'home' | 'pricing' | 'product' | 'solution' | 'blog' | 'careers' | 'webinar' | 'webinar-live'
  | 'contact' | 'demo' | 'trial' | 'quote' | 'resource' | 'case-study' | 'faq' | 'docs';

export interface PageInfo {
  path: string;
  title: string;
  kind: PageKind;
}

export const PAGES: readonly PageInfo[] = [
  { path: '/', title: 'Uptime Forge | Predictive Maintenance for Industrial Plants', kind: 'home' },
  { path: '/pricing', title: 'Pricing | Uptime Forge', kind: 'pricing' },
  { path: '/products/asset-health-platform', title: 'Asset Health Platform | Uptime Forge', kind: 'product' },
  { path: '/products/vibration-sensors', title: 'Wireless Vibration Sensors | Uptime Forge', kind: 'product' },
  { path: '/products/oil-analysis', title: 'Oil Analysis Service | Uptime Forge', kind: 'product' },
  { path: '/products/integrations', title: 'CMMS Integrations | Uptime Forge', kind: 'product' },
  { path: '/solutions/manufacturing', title: 'Predictive Maintenance for Manufacturing', kind: 'solution' },
  { path: '/solutions/energy-and-utilities', title: 'Predictive Maintenance for Energy & Utilities', kind: 'solution' },
  { path: '/blog/what-is-predictive-maintenance', title: 'What Is Predictive Maintenance?', kind: 'blog' },
  { path: '/blog/vibration-analysis-basics', title: 'Vibration Analysis Basics for Plant Teams', kind: 'blog' },
  { path: '/blog/reactive-vs-preventive-vs-predictive', title: 'Reactive vs. Preventive vs. Predictive Maintenance', kind: 'blog' },
  { path: '/blog/calculate-cost-of-downtime', title: 'How to Calculate the Cost of Unplanned Downtime', kind: 'blog' },
  { path: '/blog/bearing-failure-signs', title: '9 Early Signs of Bearing Failure', kind: 'blog' },
  { path: '/blog/reliability-centered-maintenance', title: 'A Practical Guide to Reliability-Centered Maintenance', kind: 'blog' },
  { path: '/blog/oee-explained', title: 'OEE Explained in Five Minutes', kind: 'blog' },
  { path: '/blog/maintenance-kpis', title: '12 Maintenance KPIs Every Plant Manager Should Track', kind: 'blog' },
  { path: '/blog/iiot-sensor-buying-guide', title: 'IIoT Sensor Buying Guide', kind: 'blog' },
  { path: '/blog/motor-current-signature-analysis', title: 'Motor Current Signature Analysis, Simply Explained', kind: 'blog' },
  { path: '/careers', title: 'Careers at Uptime Forge', kind: 'careers' },
  { path: '/careers/open-positions/field-service-engineer', title: 'Field Service Engineer | Careers', kind: 'careers' },
  { path: '/careers/open-positions/data-scientist', title: 'Data Scientist | Careers', kind: 'careers' },
  { path: '/webinars/predictive-maintenance-101', title: 'Webinar: Predictive Maintenance 101', kind: 'webinar' },
  { path: '/webinars/predictive-maintenance-101/live', title: 'Live: Predictive Maintenance 101', kind: 'webinar-live' },
  { path: '/webinars/roi-of-condition-monitoring', title: 'Webinar: The ROI of Condition Monitoring', kind: 'webinar' },
  { path: '/webinars/roi-of-condition-monitoring/live', title: 'Live: The ROI of Condition Monitoring', kind: 'webinar-live' },
  { path: '/contact-us', title: 'Contact Us | Uptime Forge', kind: 'contact' },
  { path: '/demo', title: 'Book a Demo | Uptime Forge', kind: 'demo' },
  { path: '/free-trial', title: 'Start a Free Trial | Uptime Forge', kind: 'trial' },
  { path: '/request-a-quote', title: 'Request a Quote | Uptime Forge', kind: 'quote' },
  { path: '/resources/ebook-7-signs-reactive-maintenance', title: 'Ebook: 7 Signs Your Maintenance Program Is Reactive', kind: 'resource' },
  { path: '/resources/whitepaper-vibration-vs-oil-analysis', title: 'Whitepaper: Vibration Monitoring vs. Oil Analysis', kind: 'resource' },
  { path: '/resources/guide-building-the-business-case', title: 'Guide: Building the Business Case for Predictive Maintenance', kind: 'resource' },
  { path: '/resources/checklist-pdm-vendor-evaluation', title: 'Checklist: Evaluating Predictive Maintenance Vendors', kind: 'resource' },
  { path: '/case-studies/ridgeline-power-cuts-downtime-38-percent', title: 'Case Study: Ridgeline Power Cuts Downtime 38%', kind: 'case-study' },
  { path: '/faq', title: 'Frequently Asked Questions | Uptime Forge', kind: 'faq' },
  { path: '/docs/getting-started', title: 'Docs: Getting Started', kind: 'docs' },
];

const PAGES_BY_KIND = new Map<PageKind, number[]>();
PAGES.forEach((page, index) => PAGES_BY_KIND.set(page.kind, [...(PAGES_BY_KIND.get(page.kind) ?? []), index]));

/** Indexes into PAGES of one kind (shared array: do not mutate). */
export function pagesOfKind(kind: PageKind): readonly number[] {
  return PAGES_BY_KIND.get(kind) ?? [];
}

export type FormIntent =
  | 'demo' | 'trial' | 'quote' | 'consultation' | 'contact-sales' | 'newsletter' | 'webinar-registration'
  | 'content-download' | 'job-application';

export interface FormInfo {
  id: string;
  name: string;
  intent: FormIntent;
  /** Path of the page that hosts the form (submissions carry it as pageUrl). */
  pagePath: string;
  /** For gated content: the asset title and its funnel stage. */
  asset?: { title: string; stage: 'awareness' | 'consideration' | 'decision' };
  webinarSlug?: string;
}

/** Form GUIDs, fixed so tests and the default field mapping can name them. */
export const FORM_IDS = {
  demoRequest: '3f1c9a52-7b0e-4d8a-9c61-1a2b3c4d5e01',
  freeTrial: '3f1c9a52-7b0e-4d8a-9c61-1a2b3c4d5e02',
  quoteRequest: '3f1c9a52-7b0e-4d8a-9c61-1a2b3c4d5e03',
  consultationRequest: '3f1c9a52-7b0e-4d8a-9c61-1a2b3c4d5e04',
  contactSales: '3f1c9a52-7b0e-4d8a-9c61-1a2b3c4d5e05',
  newsletter: '3f1c9a52-7b0e-4d8a-9c61-1a2b3c4d5e06',
  webinarPdm101: '3f1c9a52-7b0e-4d8a-9c61-1a2b3c4d5e07',
  webinarRoi: '3f1c9a52-7b0e-4d8a-9c61-1a2b3c4d5e08',
  ebookReactiveMaintenance: '3f1c9a52-7b0e-4d8a-9c61-1a2b3c4d5e09',
  whitepaperVibrationVsOil: '3f1c9a52-7b0e-4d8a-9c61-1a2b3c4d5e10',
  guideBusinessCase: '3f1c9a52-7b0e-4d8a-9c61-1a2b3c4d5e11',
  checklistVendorEvaluation: '3f1c9a52-7b0e-4d8a-9c61-1a2b3c4d5e12',
  jobApplication: '3f1c9a52-7b0e-4d8a-9c61-1a2b3c4d5e13',
} as const;

export const FORMS: readonly FormInfo[] = [
  { id: FORM_IDS.demoRequest, name: 'Demo Request', intent: 'demo', pagePath: '/demo' },
  { id: FORM_IDS.freeTrial, name: 'Free Trial Sign-up', intent: 'trial', pagePath: '/free-trial' },
  { id: FORM_IDS.quoteRequest, name: 'Request a Quote', intent: 'quote', pagePath: '/request-a-quote' },
  { id: FORM_IDS.consultationRequest, name: 'Book a Free Reliability Consultation', intent: 'consultation', pagePath: '/contact-us' },
  { id: FORM_IDS.contactSales, name: 'Contact Sales', intent: 'contact-sales', pagePath: '/contact-us' },
  { id: FORM_IDS.newsletter, name: 'Blog Newsletter Subscription', intent: 'newsletter', pagePath: '/blog/what-is-predictive-maintenance' },
  { id: FORM_IDS.webinarPdm101, name: 'Webinar Registration: Predictive Maintenance 101', intent: 'webinar-registration',
    pagePath: '/webinars/predictive-maintenance-101', webinarSlug: 'predictive-maintenance-101' },
  { id: FORM_IDS.webinarRoi, name: 'Webinar Registration: The ROI of Condition Monitoring', intent: 'webinar-registration',
    pagePath: '/webinars/roi-of-condition-monitoring', webinarSlug: 'roi-of-condition-monitoring' },
  { id: FORM_IDS.ebookReactiveMaintenance, name: 'Content Download: 7 Signs Your Maintenance Program Is Reactive', intent: 'content-download',
    pagePath: '/resources/ebook-7-signs-reactive-maintenance', asset: { title: '7 Signs Your Maintenance Program Is Reactive', stage: 'awareness' } },
  { id: FORM_IDS.whitepaperVibrationVsOil, name: 'Content Download: Vibration Monitoring vs. Oil Analysis', intent: 'content-download',
    pagePath: '/resources/whitepaper-vibration-vs-oil-analysis', asset: { title: 'Vibration Monitoring vs. Oil Analysis', stage: 'consideration' } },
  { id: FORM_IDS.guideBusinessCase, name: 'Content Download: Building the Business Case for Predictive Maintenance', intent: 'content-download',
    pagePath: '/resources/guide-building-the-business-case', asset: { title: 'Building the Business Case for Predictive Maintenance', stage: 'decision' } },
  { id: FORM_IDS.checklistVendorEvaluation, name: 'Content Download: Evaluating Predictive Maintenance Vendors', intent: 'content-download',
    pagePath: '/resources/checklist-pdm-vendor-evaluation', asset: { title: 'Evaluating Predictive Maintenance Vendors', stage: 'decision' } },
  { id: FORM_IDS.jobApplication, name: 'Careers: Job Application', intent: 'job-application', pagePath: '/careers' },
];

export interface EmailCampaignInfo {
  id: number;
  name: string;
  subject: string;
}

export const EMAIL_CAMPAIGNS: readonly EmailCampaignInfo[] = [
  { id: 310001, name: 'Newsletter - September', subject: 'The Reliability Roundup: September' },
  { id: 310002, name: 'Newsletter - October', subject: 'The Reliability Roundup: October' },
  { id: 310003, name: 'Newsletter - November', subject: 'The Reliability Roundup: November' },
  { id: 310004, name: 'Webinar Invite - PdM 101', subject: 'Join us live: Predictive Maintenance 101' },
  { id: 310005, name: 'Webinar Invite - ROI of Condition Monitoring', subject: 'Live webinar: the ROI of condition monitoring' },
  { id: 310006, name: 'Nurture 1 - Cost of Downtime', subject: 'What does an hour of downtime cost you?' },
  { id: 310007, name: 'Nurture 2 - Vendor Checklist', subject: 'A checklist for choosing a PdM vendor' },
  { id: 310008, name: 'Product Launch - Oil Analysis', subject: 'New: lab-grade oil analysis, no lab trip' },
];

/** The sales team as HubSpot owners: owner ids from 51001, user ids from 9100101, in team order. */
export const OWNERS = SALES_TEAM.map((person, i) => ({ id: String(51001 + i), userId: 9100101 + i, ...person }));
/** Reps who own leads (the marketing owner and the manager own none). */
export const REP_OWNER_IDS = ['51002', '51003', '51004', '51005', '51006', '51007'] as const;

export const MEETING_TITLES = ['Discovery call', 'Product demo', 'Technical deep dive', 'Pricing review', 'Site assessment planning'] as const;
export const CALL_TITLES = ['Intro call', 'Follow-up call', 'Left voicemail', 'Qualification call', 'Check-in'] as const;
/** Subjects of the emails reps send after a call nobody answered (activity-index.ts). */
export const FOLLOW_UP_EMAIL_SUBJECTS = ['Following up on my call', 'Quick question about your maintenance setup', 'Tried to reach you today'] as const;

/** HubSpot's default sales pipeline stages. */
export const DEAL_STAGES = {
  open: ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent'],
  won: 'closedwon',
  lost: 'closedlost',
} as const;
