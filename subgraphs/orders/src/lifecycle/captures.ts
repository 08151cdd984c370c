/** A quantity of one order line, e.g. what a shipment carries. */
export interface LineQuantity {
  orderLineId: string;
  quantity: number;
}

/** What the capture of a shipment is worked out from; amounts in minor units. */
export interface CaptureBasis {
  order: {
    subtotal: number;
    total: number;
    lines: readonly { id: string; unitPrice: number; quantity: number }[];
  };
  /** the lines of the shipment that has just shipped */
  shipment: readonly LineQuantity[];
  /** the lines of the order's shipments that shipped before it */
  shippedBefore: readonly LineQuantity[];
  /** what those earlier shipments captured, together */
  capturedBefore: number;
}

/** a * b / c rounded half up, exactly (the product may pass 2^53) */
function mulDivHalfUp(a: number, b: number, c: number): number {
  const numerator = 2n * BigInt(a) * BigInt(b) + BigInt(c);
  return Number(numerator / (2n * BigInt(c)));
}

/**
 * How much a shipment captures: its lines' value (unit price times quantity) plus the same
 * proportion of the order's discount, shipping and tax, i.e. `total * value / subtotal`
 * rounded half up. The shipment that completes the order's quantities captures the remainder
 * instead, so the captures add up to the order total exactly. A share never exceeds what is
 * still uncaptured.
 */
export function captureAmount({ order, shipment, shippedBefore, capturedBefore }: CaptureBasis) {
  const remainder = Math.max(0, order.total - capturedBefore);
  const shipped = new Map<string, number>();
  for (const { orderLineId, quantity } of [...shippedBefore, ...shipment]) {
    shipped.set(orderLineId, (shipped.get(orderLineId) ?? 0) + quantity);
  }
  const completes = order.lines.every((line) => (shipped.get(line.id) ?? 0) >= line.quantity);
  if (completes) return remainder;
  if (order.subtotal <= 0) return 0;
  const unitPrices = new Map(order.lines.map((line) => [line.id, line.unitPrice]));
  const value = shipment.reduce(
    (sum, { orderLineId, quantity }) => sum + (unitPrices.get(orderLineId) ?? 0) * quantity,
    0,
  );
  return Math.min(remainder, mulDivHalfUp(order.total, value, order.subtotal));
}
