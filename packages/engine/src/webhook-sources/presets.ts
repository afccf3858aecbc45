import type { WebhookPreset, WebhookSignature } from '@tandem/contract';

export interface PresetDefinition {
  readonly id: WebhookPreset;
  readonly name: string;
  readonly mapping: string;
  readonly signature: WebhookSignature;
  /** A payload as the sender documents it, for "test with a sample payload". */
  readonly samplePayload: unknown;
}

// Shopify's `orders/create` webhook posts the Order resource (REST Admin API): money amounts are
// strings, the customer is nested, line items carry product, variant and sku. The mapping gives
// an identify (email and name, so the order joins the visitor's profile by email) and Segment's
// ecommerce "Order Completed". The order id makes the messageIds: Shopify's retries are stored once.
const SHOPIFY_ORDERS = `(
  $key := customer.id ? "shopify-customer-" & $string(customer.id) : "shopify-order-" & $string(id);
  $email := email ? email : customer.email;
  $traits := {
    "email": $email,
    "firstName": customer.first_name,
    "lastName": customer.last_name,
    "phone": customer.phone ? customer.phone : phone,
    "shopifyCustomerId": customer.id ? $string(customer.id)
  };
  [
    {
      "type": "identify",
      "anonymousId": $key,
      "messageId": "shopify-order-" & $string(id) & "-identify",
      "timestamp": created_at,
      "traits": $traits
    },
    {
      "type": "track",
      "event": "Order Completed",
      "anonymousId": $key,
      "messageId": "shopify-order-" & $string(id) & "-completed",
      "timestamp": created_at,
      "context": { "traits": { "email": $email }, "ip": browser_ip },
      "properties": {
        "order_id": $string(id),
        "order_number": order_number,
        "affiliation": "Shopify",
        "total": $number(total_price),
        "subtotal": $number(subtotal_price),
        "revenue": $number(subtotal_price) - $number(total_discounts),
        "tax": $number(total_tax),
        "shipping": total_shipping_price_set ? $number(total_shipping_price_set.shop_money.amount) : $sum(shipping_lines.$number(price)),
        "discount": $number(total_discounts),
        "coupon": discount_codes[0].code,
        "currency": currency,
        "products": [line_items.{
          "product_id": $string(product_id),
          "variant": variant_title,
          "sku": sku,
          "name": title,
          "brand": vendor,
          "price": $number(price),
          "quantity": quantity
        }]
      }
    }
  ]
)`;

const SHOPIFY_SAMPLE = {
  id: 5839426339066,
  admin_graphql_api_id: 'gid://shopify/Order/5839426339066',
  browser_ip: '216.191.105.146',
  created_at: '2025-10-01T16:15:47-04:00',
  currency: 'USD',
  email: 'jon@example.com',
  financial_status: 'paid',
  name: '#9999',
  order_number: 1234,
  phone: null,
  subtotal_price: '388.00',
  total_discounts: '20.00',
  total_price: '403.00',
  total_tax: '0.00',
  total_shipping_price_set: {
    shop_money: { amount: '10.00', currency_code: 'USD' },
    presentment_money: { amount: '10.00', currency_code: 'USD' },
  },
  discount_codes: [{ code: 'SPRING20', amount: '20.00', type: 'fixed_amount' }],
  customer: {
    id: 7010271723770,
    email: 'john@example.com',
    first_name: 'John',
    last_name: 'Smith',
    phone: null,
    currency: 'USD',
  },
  line_items: [
    {
      id: 14466120335610,
      product_id: 8072479047930,
      variant_id: 44325162983674,
      sku: 'IPOD2008PINK',
      title: 'IPod Nano - 8GB',
      variant_title: 'Pink',
      vendor: 'Apple',
      price: '199.00',
      quantity: 1,
    },
    {
      id: 14466120368378,
      product_id: 8072479047930,
      variant_id: 44325163016442,
      sku: 'IPOD2008RED',
      title: 'IPod Nano - 8GB',
      variant_title: 'Red',
      vendor: 'Apple',
      price: '189.00',
      quantity: 1,
    },
  ],
  shipping_lines: [{ code: 'Standard', price: '10.00', title: 'Standard' }],
};

// Stripe posts an Event; for `charge.succeeded` its data.object is the Charge. Amounts are in
// the currency's smallest unit: divided by 100, by 1000 for Stripe's three-decimal currencies
// (BHD, JOD, KWD, OMR, TND), not at all for its zero-decimal ones. Other
// event types map to nothing (stored as no call). The event id makes the messageIds.
const STRIPE_CHARGES = `(
  $charge := data.object;
  $zeroDecimal := ["bif","clp","djf","gnf","jpy","kmf","krw","mga","pyg","rwf","ugx","vnd","vuv","xaf","xof","xpf"];
  $threeDecimal := ["bhd","jod","kwd","omr","tnd"];
  $currency := $lowercase($charge.currency);
  $amount := $currency in $zeroDecimal ? $charge.amount : $currency in $threeDecimal ? $charge.amount / 1000 : $charge.amount / 100;
  $key := $charge.customer ? "stripe-customer-" & $charge.customer : "stripe-charge-" & $charge.id;
  $userId := $charge.metadata.user_id ? $charge.metadata.user_id : $charge.metadata.userId;
  $email := $charge.billing_details.email ? $charge.billing_details.email : $charge.receipt_email;
  type = "charge.succeeded" ? [
    $email ? {
      "type": "identify",
      "userId": $userId,
      "anonymousId": $key,
      "messageId": "stripe-" & id & "-identify",
      "timestamp": $fromMillis(created * 1000),
      "traits": { "email": $email, "name": $charge.billing_details.name, "phone": $charge.billing_details.phone, "stripeCustomerId": $charge.customer }
    },
    {
      "type": "track",
      "event": "Order Completed",
      "userId": $userId,
      "anonymousId": $key,
      "messageId": "stripe-" & id & "-completed",
      "timestamp": $fromMillis(created * 1000),
      "context": { "traits": { "email": $email } },
      "properties": {
        "order_id": $charge.payment_intent ? $charge.payment_intent : $charge.id,
        "charge_id": $charge.id,
        "affiliation": "Stripe",
        "total": $amount,
        "revenue": $amount,
        "currency": $uppercase($charge.currency),
        "customer": $charge.customer,
        "description": $charge.description,
        "payment_method": $charge.payment_method_details.type,
        "card_brand": $charge.payment_method_details.card.brand
      }
    }
  ]
)`;

const STRIPE_SAMPLE = {
  id: 'evt_3MtwBwLkdIwHu7ix28a3tqPa',
  object: 'event',
  api_version: '2024-06-20',
  created: 1759349747,
  type: 'charge.succeeded',
  livemode: false,
  pending_webhooks: 1,
  request: { id: 'req_6Yx3n1hPpb8Cwq', idempotency_key: null },
  data: {
    object: {
      id: 'ch_3MtwBwLkdIwHu7ix0fYv3yZ0',
      object: 'charge',
      amount: 4999,
      amount_captured: 4999,
      amount_refunded: 0,
      billing_details: {
        address: { city: 'Paris', country: 'FR', line1: '1 rue de Rivoli', postal_code: '75001' },
        email: 'jenny.rosen@example.com',
        name: 'Jenny Rosen',
        phone: null,
      },
      captured: true,
      created: 1759349747,
      currency: 'eur',
      customer: 'cus_NffrFeUfNV2Hib',
      description: 'Annual plan',
      metadata: { user_id: 'user_42' },
      paid: true,
      payment_intent: 'pi_3MtwBwLkdIwHu7ix28a3tqPa',
      payment_method: 'pm_1MtwBwLkdIwHu7ixZJ7Kpl0P',
      payment_method_details: { card: { brand: 'visa', last4: '4242' }, type: 'card' },
      receipt_email: null,
      status: 'succeeded',
    },
  },
};

export const PRESETS: Readonly<Record<WebhookPreset, PresetDefinition>> = {
  'shopify-orders': {
    id: 'shopify-orders',
    name: 'Shopify orders (orders/create)',
    mapping: SHOPIFY_ORDERS,
    signature: 'shopify',
    samplePayload: SHOPIFY_SAMPLE,
  },
  'stripe-charges': {
    id: 'stripe-charges',
    name: 'Stripe charges (charge.succeeded)',
    mapping: STRIPE_CHARGES,
    signature: 'stripe',
    samplePayload: STRIPE_SAMPLE,
  },
};
