/**
 * HubSpot's company `industry` is an enumeration of internal names (OIL_ENERGY); people, and
 * rulebooks, use its labels ("Oil & Energy"). The labels of the options a B2B portal meets most
 * are here; anything else is turned into words (COMPUTER_HARDWARE → "computer hardware"). Reading
 * `GET /crm/v3/properties/companies/industry` would cover custom options too, but the sandbox
 * serves contact properties only, so the table is the source for now.
 */
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
  AVIATION_AEROSPACE: 'Aviation & Aerospace',
  ELECTRICAL_ELECTRONIC_MANUFACTURING: 'Electrical/Electronic Manufacturing',
  FOOD_PRODUCTION: 'Food Production',
  PLASTICS: 'Plastics',
  RENEWABLES_ENVIRONMENT: 'Renewables & Environment',
  BUILDING_MATERIALS: 'Building Materials',
  SEMICONDUCTORS: 'Semiconductors',
  RETAIL: 'Retail',
  EDUCATION_MANAGEMENT: 'Education Management',
  HIGHER_EDUCATION: 'Higher Education',
  HOSPITALITY: 'Hospitality',
  RESTAURANTS: 'Restaurants',
  COMPUTER_SOFTWARE: 'Computer Software',
  INFORMATION_TECHNOLOGY_AND_SERVICES: 'Information Technology and Services',
  MARKETING_AND_ADVERTISING: 'Marketing & Advertising',
  FINANCIAL_SERVICES: 'Financial Services',
  HOSPITAL_HEALTH_CARE: 'Hospital & Health Care',
};

export function industryLabel(value: string): string {
  const text = value.trim();
  if (!/^[A-Z0-9_]+$/.test(text)) return text;
  return INDUSTRY_LABELS[text] ?? text.toLowerCase().replace(/_/g, ' ');
}
