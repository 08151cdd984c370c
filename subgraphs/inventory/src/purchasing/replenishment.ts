/** Sales are averaged over this many days of the ledger. */
export const SALES_WINDOW_DAYS = 30;

/** What the ledger, the stock level and the chosen supplier item say about a SKU in a warehouse. */
export interface ReplenishmentInputs {
  sku: string;
  warehouseId: string;
  supplierId: string;
  onHand: number;
  reserved: number;
  onOrder: number;
  /** units sold (SALE movements) in the last SALES_WINDOW_DAYS days */
  salesInWindow: number;
  leadTimeDays: number;
  safetyStock: number;
  minimumOrderQuantity: number;
  packSize: number;
  unitCostMinor: number;
  currencyCode: string;
}

export interface ReplenishmentSuggestionView extends ReplenishmentInputs {
  available: number;
  averageDailySales: number;
  reorderPoint: number;
  suggestedQuantity: number;
}

/**
 * Daily sales × lead time, rounded up to whole units, + safety stock, in integers: the sales
 * of the window times the lead time, divided by the window's days. The repository's filter
 * computes the same in SQL (replenishment.repository.ts).
 */
export const reorderPointOf = ({
  salesInWindow,
  leadTimeDays,
  safetyStock,
}: Pick<ReplenishmentInputs, 'salesInWindow' | 'leadTimeDays' | 'safetyStock'>) =>
  Math.ceil((salesInWindow * leadTimeDays) / SALES_WINDOW_DAYS) + safetyStock;

/** Rounds a quantity up to the minimum order quantity, then up to whole packs. */
export const roundToSupplierTerms = (
  quantity: number,
  { minimumOrderQuantity, packSize }: { minimumOrderQuantity: number; packSize: number },
) => Math.ceil(Math.max(quantity, minimumOrderQuantity) / packSize) * packSize;

/**
 * The suggestion for one SKU: at or below the reorder point (available + on order), order what
 * brings it up to the reorder point plus a window's sales, within the supplier's terms.
 */
export function suggestReplenishment(inputs: ReplenishmentInputs): ReplenishmentSuggestionView {
  const reorderPoint = reorderPointOf(inputs);
  const available = inputs.onHand - inputs.reserved;
  const position = available + inputs.onOrder;
  const shortfall = reorderPoint + inputs.salesInWindow - position;
  const suggestedQuantity =
    position <= reorderPoint && shortfall > 0 ? roundToSupplierTerms(shortfall, inputs) : 0;
  return {
    ...inputs,
    available,
    averageDailySales: inputs.salesInWindow / SALES_WINDOW_DAYS,
    reorderPoint,
    suggestedQuantity,
  };
}
