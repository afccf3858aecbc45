import {
  CAMPAIGNS,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  FIRST_NAMES,
  INDUSTRIES,
  LAST_NAMES,
  PLANS,
  PRODUCTS,
  SUPPORT_TOPICS,
  USER_AGENTS,
} from './demo-catalog.js';
import { Random } from './random.js';

export type DemoCall = Record<string, unknown> & { type: string; timestamp: string };

export interface DemoOptions {
  readonly people: number;
  readonly seed?: number;
  /** The demo's history ends here and starts `days` before. */
  readonly now?: Date;
  readonly days?: number;
}

interface Device {
  anonymousId: string;
  userAgent: string;
  deviceId: string;
}

const HOUR = 3600_000;

/**
 * A realistic e-commerce + B2B workspace as Segment calls: people browse anonymously on one to
 * three devices, later sign up and identify (linking their devices), join companies, order,
 * open the newsletter and contact support. Deterministic for a seed.
 */
export function* demoCalls(options: DemoOptions): Generator<DemoCall> {
  const random = new Random(options.seed ?? 1);
  const end = (options.now ?? new Date()).getTime();
  const start = end - (options.days ?? 90) * 24 * HOUR;
  const companies = Array.from({ length: Math.max(5, Math.round(options.people / 15)) }, (_, i) =>
    companyOf(random, i),
  );

  for (let person = 0; person < options.people; person += 1) {
    let clock = start + random.next() * (end - start) * 0.8;
    const tick = (maxHours: number) => {
      clock = Math.min(end - 1000, clock + random.next() * maxHours * HOUR + 1000);
      return new Date(clock).toISOString();
    };
    const devices: Device[] = Array.from({ length: random.int(1, 3) }, () => ({
      anonymousId: random.id('anon-'),
      userAgent: random.pick(USER_AGENTS),
      deviceId: random.id('dev-'),
    }));
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const userId = `user-${options.seed ?? 1}-${person}`;
    const email = `${first}.${last}.${person}@example.com`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^\x20-\x7e]/g, '');
    const identifies = random.chance(0.7);
    const company = random.chance(0.4) ? random.pick(companies) : undefined;

    for (const [index, device] of devices.entries()) {
      const context = { userAgent: device.userAgent, device: { id: device.deviceId } };
      const known = identifies && index > 0; // later devices belong to someone already signed up
      const who: Record<string, string> = known
        ? { userId, anonymousId: device.anonymousId }
        : { anonymousId: device.anonymousId };
      for (let session = random.int(1, 3); session > 0; session -= 1) {
        yield* browse(random, who, context, tick);
      }
      if (identifies) {
        yield {
          type: 'identify',
          userId,
          anonymousId: device.anonymousId,
          timestamp: tick(2),
          context,
          traits: {
            email,
            firstName: first,
            lastName: last,
            name: `${first} ${last}`,
            plan: random.pick(PLANS),
            ...(random.chance(0.3)
              ? { phone: `+1 415 555 ${String(1000 + (person % 9000)).padStart(4, '0')}` }
              : {}),
            ...(company
              ? { company: company.name, title: random.pick(['Buyer', 'Ops lead', 'CTO', 'Founder']) }
              : {}),
          },
        };
      }
    }
    if (!identifies) continue;
    if (company) yield { type: 'group', userId, groupId: company.id, timestamp: tick(1), traits: company };
    for (let order = random.int(0, 5); order > 0; order -= 1) yield* purchase(random, userId, tick);
    if (random.chance(0.5)) {
      yield {
        type: 'track',
        userId,
        event: 'Email Opened',
        timestamp: tick(72),
        properties: { campaign: 'weekly_picks' },
      };
    }
    if (random.chance(0.2)) yield* support(random, userId, tick);
  }
}

function* browse(
  random: Random,
  who: Record<string, string>,
  context: Record<string, unknown>,
  tick: (maxHours: number) => string,
): Generator<DemoCall> {
  const campaign = random.chance(0.4) ? random.pick(CAMPAIGNS) : undefined;
  const query = campaign
    ? `?utm_source=${campaign.source}&utm_medium=${campaign.medium}&utm_campaign=${campaign.name}`
    : '';
  const url = `https://shop.example/${query}`;
  yield {
    type: 'page',
    ...who,
    name: 'Home',
    timestamp: tick(48),
    context: { ...context, page: { url, path: '/', search: query } },
  };
  for (let views = random.int(1, 4); views > 0; views -= 1) {
    const product = random.pick(PRODUCTS);
    yield {
      type: 'track',
      ...who,
      event: 'Product Viewed',
      timestamp: tick(0.1),
      context: {
        ...context,
        page: { url: `https://shop.example/p/${product.sku}`, path: `/p/${product.sku}` },
      },
      properties: {
        product_id: product.sku,
        name: product.name,
        category: product.category,
        price: product.price,
      },
    };
    if (random.chance(0.25)) {
      yield {
        type: 'track',
        ...who,
        event: 'Product Added',
        timestamp: tick(0.05),
        context,
        properties: { product_id: product.sku, price: product.price, quantity: 1 },
      };
    }
  }
}

function* purchase(random: Random, userId: string, tick: (maxHours: number) => string): Generator<DemoCall> {
  const items = Array.from({ length: random.int(1, 3) }, () => ({
    ...random.pick(PRODUCTS),
    quantity: random.int(1, 2),
  }));
  const total = items.reduce((sum, item) => sum + item.price * item.quantity, 0);
  const orderId = random.id('ord-');
  yield {
    type: 'track',
    userId,
    event: 'Checkout Started',
    timestamp: tick(240),
    properties: { order_id: orderId, value: total, currency: 'EUR' },
  };
  yield {
    type: 'track',
    userId,
    event: 'Order Completed',
    timestamp: tick(0.2),
    properties: {
      order_id: orderId,
      total,
      revenue: Math.round(total * 0.84 * 100) / 100,
      currency: 'EUR',
      products: items.map(({ sku, name, price, quantity }) => ({ product_id: sku, name, price, quantity })),
    },
  };
}

function* support(random: Random, userId: string, tick: (maxHours: number) => string): Generator<DemoCall> {
  const subject = random.pick(SUPPORT_TOPICS);
  const channel = random.pick(['email', 'chat', 'phone']);
  yield {
    type: 'track',
    userId,
    event: 'Support Ticket Opened',
    timestamp: tick(96),
    properties: { subject, channel },
  };
  if (random.chance(0.8)) {
    yield {
      type: 'track',
      userId,
      event: 'Support Ticket Resolved',
      timestamp: tick(30),
      properties: { subject, channel, satisfaction: random.int(1, 5) },
    };
  }
}

function companyOf(random: Random, index: number) {
  const name = `${random.pick(COMPANY_WORDS)} ${random.pick(COMPANY_SUFFIXES)} ${index + 1}`;
  return {
    id: `company-${index + 1}`,
    name,
    domain: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example`,
    industry: random.pick(INDUSTRIES),
    employees: random.pick([8, 25, 60, 140, 400, 1200]),
    plan: random.pick(PLANS),
  };
}
