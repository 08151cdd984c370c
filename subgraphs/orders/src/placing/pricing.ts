import { parseMoney, type Money } from '@ordergraph/shared';

/** The catalog's quote of a basket, as it arrives. */
export interface Quote {
  lines: { sku: string; quantity: number; unitPrice: Money; total: Money }[];
  subtotal: Money;
  discountTotal: Money;
  shippingTotal: Money;
  taxTotal: Money;
  total: Money;
  promoCode: string | null;
}

export interface PricedLine {
  sku: string;
  quantity: number;
  unitPrice: number;
  total: number;
}

/** An order's prices in integer minor units of one currency. */
export interface PricedOrder {
  currency: string;
  lines: PricedLine[];
  subtotal: number;
  discountTotal: number;
  shippingTotal: number;
  taxTotal: number;
  total: number;
  /** the promo code the catalog applied, as the catalog spells it */
  promoCode: string | null;
}

/** The catalog answered something placeOrder cannot charge; a bug, never the customer's fault. */
export class InconsistentQuoteError extends Error {}

/**
 * Turns a quote into minor units and checks it adds up and covers exactly the requested
 * lines: an order is charged what it shows, to the cent.
 */
export function priceFromQuote(
  quote: Quote,
  requested: readonly { sku: string; quantity: number }[],
): PricedOrder {
  const currency = quote.total.currencyCode;
  const minor = (money: Money, what: string) => {
    const value = money.currencyCode === currency ? parseMoney(money) : null;
    if (value === null) {
      throw new InconsistentQuoteError(`quote ${what} is not an amount in ${currency}`);
    }
    return value;
  };
  const bySku = new Map(quote.lines.map((line) => [line.sku, line]));
  if (bySku.size !== requested.length) {
    throw new InconsistentQuoteError('quote lines differ from the order lines');
  }
  const lines = requested.map(({ sku, quantity }) => {
    const line = bySku.get(sku);
    if (!line || line.quantity !== quantity) {
      throw new InconsistentQuoteError(`quote line for ${sku} differs from the order line`);
    }
    const unitPrice = minor(line.unitPrice, `unit price of ${sku}`);
    const total = minor(line.total, `line total of ${sku}`);
    if (total !== unitPrice * quantity) {
      throw new InconsistentQuoteError(`quote line total of ${sku} is not price times quantity`);
    }
    return { sku, quantity, unitPrice, total };
  });
  const priced = {
    currency,
    lines,
    subtotal: minor(quote.subtotal, 'subtotal'),
    discountTotal: minor(quote.discountTotal, 'discount total'),
    shippingTotal: minor(quote.shippingTotal, 'shipping total'),
    taxTotal: minor(quote.taxTotal, 'tax total'),
    total: minor(quote.total, 'total'),
    promoCode: quote.promoCode,
  };
  if (priced.subtotal !== lines.reduce((sum, line) => sum + line.total, 0)) {
    throw new InconsistentQuoteError('quote subtotal is not the sum of its lines');
  }
  const expected = priced.subtotal - priced.discountTotal + priced.shippingTotal + priced.taxTotal;
  if (priced.total !== expected) {
    throw new InconsistentQuoteError('quote total does not add up');
  }
  return priced;
}

/** Where the inventory reserved a SKU's units. */
export interface StockAllocation {
  sku: string;
  warehouseId: string;
  quantity: number;
}

export interface LineAllocation {
  orderLineId: string;
  sku: string;
  warehouseId: string;
  quantity: number;
}

/** Ties the inventory's allocations to order lines, checking every unit is allocated once. */
export function allocateLines(
  lines: readonly { id: string; sku: string; quantity: number }[],
  allocations: readonly StockAllocation[],
): LineAllocation[] {
  const lineBySku = new Map(lines.map((line) => [line.sku, line]));
  const allocated = new Map<string, number>();
  const result = allocations.map(({ sku, warehouseId, quantity }) => {
    const line = lineBySku.get(sku);
    if (!line) throw new Error(`the inventory allocated ${sku}, which the order does not have`);
    allocated.set(sku, (allocated.get(sku) ?? 0) + quantity);
    return { orderLineId: line.id, sku, warehouseId, quantity };
  });
  for (const line of lines) {
    if (allocated.get(line.sku) !== line.quantity) {
      throw new Error(`the inventory allocated ${allocated.get(line.sku) ?? 0} of ${line.sku}`);
    }
  }
  return result;
}

/** The allocations per warehouse, in first-seen order: one shipment each. */
export function byWarehouse(allocations: readonly LineAllocation[]) {
  const groups = new Map<string, { orderLineId: string; sku: string; quantity: number }[]>();
  for (const { warehouseId, orderLineId, sku, quantity } of allocations) {
    const group = groups.get(warehouseId) ?? [];
    group.push({ orderLineId, sku, quantity });
    groups.set(warehouseId, group);
  }
  return [...groups].map(([warehouseId, lines]) => ({ warehouseId, lines }));
}
