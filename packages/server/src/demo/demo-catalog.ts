// The demo shop's world: products, companies, campaigns and people's names.

export const PRODUCTS = [
  { sku: 'TRL-RUN-01', name: 'Trail Runner Shoes', category: 'Footwear', price: 129 },
  { sku: 'CITY-SNK-02', name: 'City Sneakers', category: 'Footwear', price: 89 },
  { sku: 'RAIN-JKT-03', name: 'Rain Jacket', category: 'Outerwear', price: 159 },
  { sku: 'WOOL-HAT-04', name: 'Merino Beanie', category: 'Accessories', price: 29 },
  { sku: 'DAY-PACK-05', name: 'Day Pack 22L', category: 'Bags', price: 79 },
  { sku: 'BTL-STL-06', name: 'Steel Bottle', category: 'Accessories', price: 24 },
  { sku: 'FLC-MID-07', name: 'Fleece Midlayer', category: 'Outerwear', price: 99 },
  { sku: 'SOCK-3PK-08', name: 'Hiking Socks (3)', category: 'Accessories', price: 19 },
] as const;

export const PLANS = ['free', 'starter', 'pro', 'enterprise'] as const;
export const INDUSTRIES = ['Retail', 'Software', 'Logistics', 'Healthcare', 'Education', 'Finance'] as const;
export const COMPANY_WORDS = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Hooli',
  'Vandelay',
  'Stark',
  'Wayne',
  'Tyrell',
  'Soylent',
  'Cyberdyne',
  'Wonka',
] as const;
export const COMPANY_SUFFIXES = ['Inc', 'GmbH', 'Ltd', 'Group', 'Labs', 'Outdoors'] as const;
export const FIRST_NAMES = [
  'Ana',
  'Ben',
  'Chloé',
  'Dmitri',
  'Elif',
  'Farah',
  'Gustavo',
  'Hana',
  'Ivan',
  'Jun',
  'Kofi',
  'Lea',
  'Mateo',
  'Nora',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sami',
  'Tariq',
  'Uma',
  'Viktor',
  'Wen',
  'Yara',
  'Zoe',
] as const;
export const LAST_NAMES = [
  'Almeida',
  'Brown',
  'Chen',
  'Dubois',
  'Eriksen',
  'Fischer',
  'García',
  'Haddad',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'López',
  'Müller',
  'Nakamura',
  'Okafor',
  'Patel',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Weber',
] as const;
export const CAMPAIGNS = [
  { source: 'google', medium: 'cpc', name: 'spring_sale' },
  { source: 'newsletter', medium: 'email', name: 'weekly_picks' },
  { source: 'instagram', medium: 'social', name: 'trail_season' },
  { source: 'partner', medium: 'referral', name: 'gear_blog' },
] as const;
export const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36',
] as const;
export const SUPPORT_TOPICS = [
  'Where is my order?',
  'Return request',
  'Sizing question',
  'Invoice copy',
  'Damaged item',
] as const;
