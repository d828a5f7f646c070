/**
 * HubSpot's Original Traffic Source (`hs_analytics_source`) holds internal option values; people
 * and the campaign costs an admin enters use the labels HubSpot shows ("Paid Search"). A value not
 * listed (a portal's newer option) passes through unchanged.
 */
const LABELS: Record<string, string> = {
  ORGANIC_SEARCH: 'Organic Search',
  PAID_SEARCH: 'Paid Search',
  EMAIL_MARKETING: 'Email Marketing',
  SOCIAL_MEDIA: 'Organic Social',
  REFERRALS: 'Referrals',
  OTHER_CAMPAIGNS: 'Other Campaigns',
  DIRECT_TRAFFIC: 'Direct Traffic',
  OFFLINE: 'Offline Sources',
  PAID_SOCIAL: 'Paid Social',
  AI_REFERRALS: 'AI Referrals',
};

export function analyticsSourceLabel(value: string): string {
  const trimmed = value.trim();
  return LABELS[trimmed.toUpperCase()] ?? trimmed;
}
