/**
 * The fixed vocabulary of the synthetic portal: who sells what to whom. The portal belongs to
 * "Uptime Forge", a fictional vendor of predictive-maintenance software for industrial plants, the
 * industrial B2B example the source articles use (SPEC.md §3: US-based, persona titles, ≥100
 * employees, target industries). Tables are data so a test or the README can quote them.
 */

export const PORTAL_ID = 24681357;
export const SITE_URL = 'https://www.uptimeforge.com';

/** Two fictional competitors; their employees sign up to watch us (an exclusion in the rulebook). */
export const COMPETITOR_DOMAINS = ['gearwatch-analytics.com', 'reliantsense.io'] as const;
export const COMPETITOR_NAMES = ['GearWatch Analytics', 'ReliantSense'] as const;

export const PERSONAL_EMAIL_DOMAINS = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com'] as const;
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

/** Company-name parts per industry, so "Ridgeline Power & Light" is a utility, not a bakery. */
export const COMPANY_NAME_PARTS: Readonly<Record<string, { heads: readonly string[]; tails: readonly string[] }>> = {
  MECHANICAL_OR_INDUSTRIAL_ENGINEERING: {
    heads: ['Apex', 'Keystone', 'Ironbridge', 'Summit', 'Granite', 'Northfield', 'Tristate', 'Redwood', 'Beacon', 'Harbor'],
    tails: ['Manufacturing', 'Fabrication', 'Precision Works', 'Industries', 'Castings', 'Components'],
  },
  MACHINERY: {
    heads: ['Atlas', 'Bolt', 'Crestline', 'Diamond', 'Eagle', 'Forge', 'Titan', 'Vanguard', 'Westgate', 'Lakeshore'],
    tails: ['Machinery', 'Machine Tools', 'Equipment Co.', 'Hydraulics', 'Gearworks', 'Compressors'],
  },
  INDUSTRIAL_AUTOMATION: {
    heads: ['Axis', 'Cortex', 'Helix', 'Nexus', 'Orbit', 'Pulse', 'Quantum', 'Vector', 'Zenith', 'Sigma'],
    tails: ['Automation', 'Controls', 'Robotics', 'Motion Systems', 'Drives'],
  },
  OIL_ENERGY: {
    heads: ['Permian', 'Gulfstream', 'Bluewater', 'Prairie', 'Red River', 'Basin', 'Sierra', 'Frontier', 'Sandstone', 'Mesa'],
    tails: ['Energy', 'Petroleum', 'Midstream', 'Refining', 'Power Generation'],
  },
  UTILITIES: {
    heads: ['Ridgeline', 'Valley', 'Riverbend', 'Cascade', 'Pinecrest', 'Clearwater', 'Highland', 'Bayshore', 'Oakdale', 'Stonebrook'],
    tails: ['Power & Light', 'Electric Cooperative', 'Water Authority', 'Utilities', 'Gas & Electric'],
  },
  CHEMICALS: {
    heads: ['Catalyst', 'Polymer', 'Crystal', 'Meridian', 'Alloy', 'Solvay Ridge', 'Ionic', 'Covalent', 'Benzene Bay', 'Halcyon'],
    tails: ['Chemicals', 'Specialty Chemicals', 'Coatings', 'Resins', 'Materials'],
  },
  AUTOMOTIVE: {
    heads: ['Motor City', 'Driveline', 'Torque', 'Chassis', 'Piston', 'Axle', 'Roadway', 'Gearbox', 'Camshaft', 'Interstate'],
    tails: ['Automotive', 'Stampings', 'Powertrain', 'Auto Parts', 'Assembly'],
  },
  MINING_METALS: {
    heads: ['Copperhead', 'Ironwood', 'Silver Creek', 'Black Rock', 'Granite Peak', 'Quarry Hill', 'Nickel Point', 'Ore Valley', 'Slate', 'Cobalt'],
    tails: ['Mining', 'Steel', 'Metals', 'Aggregates', 'Foundry'],
  },
  PAPER_FOREST_PRODUCTS: {
    heads: ['Timberline', 'Evergreen', 'Cedar', 'Birchwood', 'Spruce', 'Maplewood', 'Hemlock', 'Aspen', 'Northwoods', 'Willow'],
    tails: ['Paper', 'Pulp & Paper', 'Packaging', 'Forest Products', 'Mills'],
  },
  RETAIL: {
    heads: ['Corner', 'Urban', 'Daily', 'Sunny', 'Main Street', 'Bright', 'Happy', 'Family', 'Value', 'Trend'],
    tails: ['Outfitters', 'Boutique', 'Market', 'Home Goods', 'Apparel'],
  },
  EDUCATION_MANAGEMENT: {
    heads: ['Bright Minds', 'Learning Tree', 'Scholar', 'Academy', 'Pathway', 'Tutor', 'Kinder', 'Lighthouse', 'Compass', 'Maple'],
    tails: ['Learning Centers', 'Tutoring', 'Education Group', 'Schools', 'Academies'],
  },
  HOSPITALITY: {
    heads: ['Seaside', 'Grand', 'Harborview', 'Cozy', 'Royal', 'Mountain', 'Lakeside', 'Sunset', 'Palm', 'Vista'],
    tails: ['Hotels', 'Resorts', 'Inn & Suites', 'Hospitality Group', 'Lodges'],
  },
  RESTAURANTS: {
    heads: ['Golden', 'Rustic', 'Smoky', 'Little', 'Green', 'Blue Plate', 'Urban', 'Hearth', 'Copper', 'Salt'],
    tails: ['Kitchen', 'Bistro', 'Grill', 'Eatery', 'Restaurant Group'],
  },
  COMPUTER_SOFTWARE: {
    heads: ['Cloudy', 'Pixel', 'Byte', 'Stack', 'Lambda', 'Kernel', 'Agile', 'Sprint', 'Vertex', 'Codex'],
    tails: ['Labs', 'Software', 'Apps', 'Technologies', 'Digital'],
  },
  MARKETING_AND_ADVERTISING: {
    heads: ['Buzz', 'Spark', 'Loud', 'Bold', 'Viral', 'Clever', 'Brand', 'Story', 'Bright Idea', 'Echo'],
    tails: ['Media', 'Creative', 'Agency', 'Marketing', 'Communications'],
  },
  HIGHER_EDUCATION: {
    heads: ['State', 'Midwestern', 'Polytechnic', 'Technical'],
    tails: ['University', 'Institute of Technology'],
  },
};

export interface CountryInfo {
  code: string;
  name: string;
  tld: string;
  phonePrefix: string;
  cities: readonly { city: string; state: string }[];
  /** Name pool used for people from this country. */
  names: 'en' | 'de' | 'in' | 'br' | 'fr';
}

export const COUNTRIES: Readonly<Record<string, CountryInfo>> = {
  US: {
    code: 'US', name: 'United States', tld: 'com', phonePrefix: '+1', names: 'en',
    cities: [
      { city: 'Houston', state: 'Texas' }, { city: 'Detroit', state: 'Michigan' }, { city: 'Pittsburgh', state: 'Pennsylvania' },
      { city: 'Cleveland', state: 'Ohio' }, { city: 'Milwaukee', state: 'Wisconsin' }, { city: 'Charlotte', state: 'North Carolina' },
      { city: 'Chicago', state: 'Illinois' }, { city: 'Tulsa', state: 'Oklahoma' }, { city: 'Greenville', state: 'South Carolina' },
      { city: 'Indianapolis', state: 'Indiana' }, { city: 'Baton Rouge', state: 'Louisiana' }, { city: 'Denver', state: 'Colorado' },
    ],
  },
  DE: { code: 'DE', name: 'Germany', tld: 'de', phonePrefix: '+49', names: 'de',
    cities: [{ city: 'Stuttgart', state: 'Baden-Württemberg' }, { city: 'Munich', state: 'Bavaria' }, { city: 'Duisburg', state: 'North Rhine-Westphalia' }] },
  GB: { code: 'GB', name: 'United Kingdom', tld: 'co.uk', phonePrefix: '+44', names: 'en',
    cities: [{ city: 'Sheffield', state: 'England' }, { city: 'Birmingham', state: 'England' }, { city: 'Glasgow', state: 'Scotland' }] },
  IN: { code: 'IN', name: 'India', tld: 'in', phonePrefix: '+91', names: 'in',
    cities: [{ city: 'Pune', state: 'Maharashtra' }, { city: 'Chennai', state: 'Tamil Nadu' }, { city: 'Ahmedabad', state: 'Gujarat' }] },
  BR: { code: 'BR', name: 'Brazil', tld: 'com.br', phonePrefix: '+55', names: 'br',
    cities: [{ city: 'São Paulo', state: 'São Paulo' }, { city: 'Belo Horizonte', state: 'Minas Gerais' }, { city: 'Curitiba', state: 'Paraná' }] },
  FR: { code: 'FR', name: 'France', tld: 'fr', phonePrefix: '+33', names: 'fr',
    cities: [{ city: 'Lyon', state: 'Auvergne-Rhône-Alpes' }, { city: 'Toulouse', state: 'Occitanie' }, { city: 'Lille', state: 'Hauts-de-France' }] },
};
/** Mostly US, like a US vendor's inbound; the rest are the "country not served" cases. */
export const NON_US_COUNTRY_WEIGHTS = { DE: 30, GB: 25, IN: 25, BR: 15, FR: 5 } as const;

export const NAMES: Readonly<Record<CountryInfo['names'], { first: readonly string[]; last: readonly string[] }>> = {
  en: {
    first: ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara',
      'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Christopher', 'Lisa', 'Daniel', 'Nancy',
      'Matthew', 'Betty', 'Anthony', 'Sandra', 'Mark', 'Ashley', 'Steven', 'Kimberly', 'Paul', 'Emily', 'Andrew', 'Donna', 'Joshua',
      'Michelle', 'Kevin', 'Carol', 'Brian', 'Amanda', 'George', 'Melissa', 'Timothy', 'Deborah', 'Ronald', 'Stephanie', 'Jason', 'Rebecca',
      'Ryan', 'Laura', 'Gary', 'Sharon', 'Eric', 'Cynthia', 'Jacob', 'Kathleen', 'Nicholas', 'Amy', 'Luis', 'Maria', 'Carlos', 'Rosa',
      'Wei', 'Mei', 'Hiroshi', 'Aisha', 'Malik', 'Keisha'],
    last: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez',
      'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris',
      'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen',
      'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Gomez',
      'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes', 'Stewart', 'Morris', 'Morales', 'Murphy',
      'Cook', 'Rogers', 'Kowalski', 'Chen', 'Okafor', 'Patel'],
  },
  de: {
    first: ['Lukas', 'Anna', 'Maximilian', 'Lea', 'Felix', 'Hannah', 'Jonas', 'Laura', 'Leon', 'Sophie', 'Paul', 'Marie', 'Tobias', 'Katharina', 'Stefan', 'Julia'],
    last: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann'],
  },
  in: {
    first: ['Aarav', 'Priya', 'Vivaan', 'Ananya', 'Aditya', 'Diya', 'Arjun', 'Isha', 'Rohan', 'Kavya', 'Vikram', 'Neha', 'Rahul', 'Pooja', 'Sanjay', 'Lakshmi'],
    last: ['Sharma', 'Verma', 'Gupta', 'Iyer', 'Reddy', 'Nair', 'Kumar', 'Singh', 'Mehta', 'Joshi', 'Rao', 'Desai', 'Pillai', 'Chopra', 'Bose', 'Kulkarni'],
  },
  br: {
    first: ['João', 'Ana', 'Pedro', 'Beatriz', 'Lucas', 'Mariana', 'Gabriel', 'Juliana', 'Rafael', 'Camila', 'Thiago', 'Larissa', 'Bruno', 'Fernanda', 'Diego', 'Patrícia'],
    last: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Lima', 'Pereira', 'Ferreira', 'Costa', 'Rodrigues', 'Almeida', 'Nascimento', 'Carvalho', 'Araújo', 'Ribeiro', 'Gomes', 'Barbosa'],
  },
  fr: {
    first: ['Louis', 'Camille', 'Hugo', 'Chloé', 'Jules', 'Manon', 'Arthur', 'Léa', 'Nathan', 'Inès', 'Théo', 'Sarah', 'Antoine', 'Claire', 'Julien', 'Élodie'],
    last: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'David'],
  },
};

/** Titles the default rulebook treats as buyer personas (strategic buyers and reliability people). */
export const PERSONA_TITLES = [
  'VP Operations', 'Vice President of Operations', 'Reliability Engineer', 'Senior Reliability Engineer', 'Maintenance Manager',
  'Plant Director', 'Plant Manager', 'Director of Maintenance', 'Head of Asset Management', 'Operations Director',
  'Maintenance Supervisor', 'Chief Operating Officer', 'Reliability Manager', 'Director of Manufacturing Engineering',
] as const;
/** Titles that are clearly not buyers. */
export const NON_PERSONA_TITLES = [
  'Marketing Intern', 'Marketing Coordinator', 'HR Generalist', 'Accountant', 'Office Manager', 'Software Developer',
  'Sales Associate', 'Recruiter', 'Executive Assistant', 'Graphic Designer',
] as const;
export const STUDENT_TITLES = ['Student', 'Graduate Student', 'Engineering Student', 'Research Assistant'] as const;
export const SELF_EMPLOYED_TITLES = ['Self-employed', 'Independent Consultant', 'Freelance Maintenance Consultant'] as const;

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

export const OWNERS = [
  { id: '51001', userId: 9100101, firstName: 'Dana', lastName: 'Whitfield', email: 'dana.whitfield@uptimeforge.com', team: 'Sales Management' },
  { id: '51002', userId: 9100102, firstName: 'Marcus', lastName: 'Bell', email: 'marcus.bell@uptimeforge.com', team: 'Inside Sales' },
  { id: '51003', userId: 9100103, firstName: 'Priya', lastName: 'Raman', email: 'priya.raman@uptimeforge.com', team: 'Inside Sales' },
  { id: '51004', userId: 9100104, firstName: 'Tom', lastName: 'Okafor', email: 'tom.okafor@uptimeforge.com', team: 'Inside Sales' },
  { id: '51005', userId: 9100105, firstName: 'Elena', lastName: 'Voss', email: 'elena.voss@uptimeforge.com', team: 'Field Sales' },
  { id: '51006', userId: 9100106, firstName: 'Grant', lastName: 'Hollis', email: 'grant.hollis@uptimeforge.com', team: 'Field Sales' },
  { id: '51007', userId: 9100107, firstName: 'Keiko', lastName: 'Tanaka', email: 'keiko.tanaka@uptimeforge.com', team: 'Field Sales' },
  { id: '51008', userId: 9100108, firstName: 'Sam', lastName: 'Ortega', email: 'sam.ortega@uptimeforge.com', team: 'Marketing' },
] as const;
/** Reps who own leads (the marketing owner and the manager own none). */
export const REP_OWNER_IDS = ['51002', '51003', '51004', '51005', '51006', '51007'] as const;

export const MEETING_TITLES = ['Discovery call', 'Product demo', 'Technical deep dive', 'Pricing review', 'Site assessment planning'] as const;
export const CALL_TITLES = ['Intro call', 'Follow-up call', 'Left voicemail', 'Qualification call', 'Check-in'] as const;

/** HubSpot's default sales pipeline stages. */
export const DEAL_STAGES = {
  open: ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent'],
  won: 'closedwon',
  lost: 'closedlost',
} as const;
