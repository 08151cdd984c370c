import {
  checkIdempotencyKey,
  checkText,
  firstProblem,
  invalidInput,
  type Database,
  type InvalidInput,
} from '@ordergraph/shared';
import { normaliseSku } from '../inventory.js';
import { checkReceivingWarehouse } from '../stock.js';
import { priceLines } from './purchase-order-flows.js';
import { MAX_LINE_QUANTITY, MAX_ORDER_LINES } from './purchase-order-inputs.js';
import type { CreatePurchaseOrdersFromSuggestionsSuccessResult } from './purchase-orders.js';
import { createPurchaseOrdersRepository } from './purchase-orders.repository.js';
import { suggestReplenishment } from './replenishment.js';
import { createReplenishmentRepository } from './replenishment.repository.js';
import { createSuppliersRepository } from './suppliers.repository.js';

/** Checks the chosen SKUs: 1 to 100, each once. */
export function validateReorder(input: {
  warehouseId: string;
  skus: readonly string[];
  idempotencyKey: string;
}): { warehouseId: string; skus: string[] } | InvalidInput {
  const skus = input.skus.map(normaliseSku);
  const problem = firstProblem(
    checkIdempotencyKey(input.idempotencyKey),
    checkText(input.warehouseId, { field: 'warehouseId', max: 100 }),
    skus.length >= 1 && skus.length <= MAX_ORDER_LINES
      ? null
      : invalidInput(`skus must hold 1 to ${MAX_ORDER_LINES} SKUs.`, 'skus'),
    ...input.skus.map(
      (sku, index) =>
        checkText(sku, { field: `skus.${index}`, max: 100 }) ??
        (skus.indexOf(skus[index]!) < index
          ? invalidInput(`${skus[index]} is chosen more than once.`, `skus.${index}`)
          : null),
    ),
  );
  return problem ?? { warehouseId: input.warehouseId, skus };
}

/**
 * Turns the suggestions of the chosen SKUs, computed again in this transaction, into one DRAFT
 * purchase order per supplier, by supplier name. A SKU without a suggestion refuses the lot, as
 * does a warehouse that takes no receipts (see createPurchaseOrder).
 */
export async function createPurchaseOrdersFromSuggestions(
  tx: Database,
  {
    warehouseId,
    skus,
    actor,
  }: { warehouseId: string; skus: readonly string[]; actor: string | null },
): Promise<CreatePurchaseOrdersFromSuggestionsSuccessResult | InvalidInput> {
  const closed = await checkReceivingWarehouse(tx, { warehouseId });
  if (closed) return closed;
  const figures = await createReplenishmentRepository({ db: tx }).findByTargets(
    skus.map((sku) => ({ sku, warehouseId })),
  );
  const suggestions = new Map(figures.map((row) => [row.sku, suggestReplenishment(row)]));
  for (const [index, sku] of skus.entries()) {
    const suggestion = suggestions.get(sku);
    if (!suggestion) return invalidInput(`No active supplier sells ${sku}.`, `skus.${index}`);
    if (suggestion.suggestedQuantity === 0) {
      return invalidInput(
        `${sku} is above its reorder point in ${warehouseId}: there is nothing to order.`,
        `skus.${index}`,
      );
    }
    if (suggestion.suggestedQuantity > MAX_LINE_QUANTITY) {
      return invalidInput(
        `${sku} would need ${suggestion.suggestedQuantity} units, more than one line takes (${MAX_LINE_QUANTITY}).`,
        `skus.${index}`,
      );
    }
  }
  const bySupplier = new Map<string, { sku: string; quantity: number }[]>();
  for (const sku of skus) {
    const { supplierId, suggestedQuantity } = suggestions.get(sku)!;
    bySupplier.set(supplierId, [
      ...(bySupplier.get(supplierId) ?? []),
      { sku, quantity: suggestedQuantity },
    ]);
  }
  const supplierRows = await createSuppliersRepository({ db: tx }).findByIds([
    ...bySupplier.keys(),
  ]);
  supplierRows.sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
  const orders = createPurchaseOrdersRepository({ db: tx });
  const purchaseOrderIds: string[] = [];
  for (const supplier of supplierRows) {
    const priced = await priceLines(tx, {
      supplierId: supplier.id,
      lines: bySupplier.get(supplier.id)!,
    });
    // the suggestions were read from these very items in this transaction
    if ('__typename' in priced) throw new Error(`supplier item vanished: ${priced.sku}`);
    const order = await orders.insert({
      supplierId: supplier.id,
      warehouseId,
      currencyCode: supplier.currencyCode,
      createdBy: actor,
      lines: priced,
    });
    purchaseOrderIds.push(order.id);
  }
  return { __typename: 'CreatePurchaseOrdersFromSuggestionsSuccess', purchaseOrderIds };
}
