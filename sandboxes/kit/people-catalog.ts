/**
 * The fictional market both sandboxes share, so the HubSpot portal and the Salesforce org meet the same
 * kind of people: "Uptime Forge", a vendor of predictive-maintenance software for industrial plants,
 * its sales team, its competitors, and the countries, names, job titles and company names of the
 * people who sign up (SPEC.md §3: US-based, persona titles, ≥100 employees, target industries). Each
 * vendor's seed-catalog.ts adds its own vocabulary (HubSpot's forms and pages, Salesforce's picklists
 * and campaigns). Tables are data so a test or a README can quote them; their order is part of the
 * seed (the PRNG picks by position), so append, never reorder.
 */

/** Two fictional competitors; their employees sign up to watch us (an exclusion in the rulebook). */
export const COMPETITOR_DOMAINS = ['gearwatch-analytics.com', 'reliantsense.io'] as const;
export const COMPETITOR_NAMES = ['GearWatch Analytics', 'ReliantSense'] as const;

export const PERSONAL_EMAIL_DOMAINS = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com'] as const;

/**
 * Company-name parts per industry, so "Ridgeline Power & Light" is a utility, not a bakery. Keyed by
 * the internal names of HubSpot's `industry` enumeration; Salesforce's seed maps its picklist onto them.
 */
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
export const SELF_EMPLOYED_TITLES = ['Self-employed', 'Independent Consultant', 'Freelance Maintenance Consultant'] as const;

/**
 * Uptime Forge's sales and marketing team: HubSpot's owners and Salesforce's users, in this order
 * (each sandbox gives them its own ids).
 */
export const SALES_TEAM = [
  { firstName: 'Dana', lastName: 'Whitfield', email: 'dana.whitfield@uptimeforge.com', team: 'Sales Management' },
  { firstName: 'Marcus', lastName: 'Bell', email: 'marcus.bell@uptimeforge.com', team: 'Inside Sales' },
  { firstName: 'Priya', lastName: 'Raman', email: 'priya.raman@uptimeforge.com', team: 'Inside Sales' },
  { firstName: 'Tom', lastName: 'Okafor', email: 'tom.okafor@uptimeforge.com', team: 'Inside Sales' },
  { firstName: 'Elena', lastName: 'Voss', email: 'elena.voss@uptimeforge.com', team: 'Field Sales' },
  { firstName: 'Grant', lastName: 'Hollis', email: 'grant.hollis@uptimeforge.com', team: 'Field Sales' },
  { firstName: 'Keiko', lastName: 'Tanaka', email: 'keiko.tanaka@uptimeforge.com', team: 'Field Sales' },
  { firstName: 'Sam', lastName: 'Ortega', email: 'sam.ortega@uptimeforge.com', team: 'Marketing' },
] as const;
