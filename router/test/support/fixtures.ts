import type { Stack } from './stack.js';

export const ADA = '00000000-0000-4000-8000-000000000001';
export const GRACE = '00000000-0000-4000-8000-000000000002';
export const KATHERINE = '00000000-0000-4000-8000-000000000004';

export const TEE = 'TEE-CLASSIC-BLK-M'; // 19.90 USD
export const MUG = 'MUG-CERAMIC-WHT'; // 14.00 USD

export const US_ADDRESS = {
  name: 'Grace Hopper',
  line1: '350 Fifth Avenue',
  city: 'New York',
  postalCode: '10118',
  country: 'US',
};

export const PLACE_ORDER = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) {
  __typename
  ... on PlaceOrderSuccess { order { id number status paymentStatus total { amount currencyCode } } }
  ... on InsufficientStockError { message sku requested available }
  ... on PaymentDeclinedError { message reason }
  ... on UnknownSkuError { message sku }
  ... on InvalidPromoCodeError { message code }
  ... on InvalidInputError { message field } } }`;

/** Receives stock as staff through the router. */
export async function receiveStock(
  stack: Stack,
  {
    sku,
    warehouseId = 'wh-east',
    quantity,
  }: { sku: string; warehouseId?: string; quantity: number },
): Promise<void> {
  const staff = await stack.token('staff-1', ['staff']);
  const response = await stack.request({
    token: staff,
    query: `mutation($input: ReceiveStockInput!) { receiveStock(input: $input) { __typename } }`,
    variables: {
      input: {
        sku,
        warehouseId,
        quantity,
        idempotencyKey: `receive-${sku}-${warehouseId}-${Math.random()}`,
      },
    },
  });
  if (response.data?.receiveStock.__typename !== 'ReceiveStockSuccess') {
    throw new Error(`receiveStock failed: ${JSON.stringify(response)}`);
  }
}

let keys = 0;

/** Places an order through the router as `customerId`, returning the placeOrder result. */
export async function placeOrder(
  stack: Stack,
  {
    customerId,
    lines,
    token = 'tok_visa',
    promoCode,
    idempotencyKey = `order-${++keys}-${Date.now()}`,
  }: {
    customerId: string;
    lines: { sku: string; quantity: number }[];
    token?: string;
    promoCode?: string;
    idempotencyKey?: string;
  },
): Promise<Record<string, any>> {
  const response = await stack.request({
    token: await stack.token(customerId, ['customer']),
    query: PLACE_ORDER,
    variables: {
      input: {
        idempotencyKey,
        lines,
        shippingAddress: US_ADDRESS,
        payment: { token },
        ...(promoCode ? { promoCode } : {}),
      },
    },
  });
  if (!response.data) throw new Error(`placeOrder failed: ${JSON.stringify(response)}`);
  return response.data['placeOrder'];
}

/** Available units of a SKU, read through the router. */
export async function availableOf(
  stack: Stack,
  sku: string,
): Promise<{ available: number; reserved: number }> {
  const response = await stack.request({
    query: `query($sku: ID!) { variant(sku: $sku) { available stock { reserved } } }`,
    variables: { sku },
  });
  const variant = response.data?.variant;
  return {
    available: variant.available,
    reserved: variant.stock.reduce(
      (sum: number, level: { reserved: number }) => sum + level.reserved,
      0,
    ),
  };
}
