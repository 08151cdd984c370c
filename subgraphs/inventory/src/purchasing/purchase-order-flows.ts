import {
  appendEvent,
  invalidInput,
  toMoney,
  type Database,
  inventoryEvents,
} from '@ordergraph/shared';
import { checkReceivingWarehouse } from '../stock.js';
import {
  checkStatus,
  expectedInDaysOf,
  outstandingOf,
  purchaseOrderNotFound,
  skuNotSupplied,
  totalOf,
  type PurchaseOrderSuccessResult,
} from './purchase-orders.js';
import type { OrderLine } from './purchase-order-inputs.js';
import { createPurchaseOrdersRepository, type NewOrderLine } from './purchase-orders.repository.js';
import { supplierNotFound } from './suppliers.js';
import { createSuppliersRepository } from './suppliers.repository.js';

const success = (purchaseOrderId: string): PurchaseOrderSuccessResult => ({
  __typename: 'PurchaseOrderSuccess',
  purchaseOrderId,
  receiptId: null,
});

/**
 * The lines as the supplier sells them now: its code, cost and lead time for each SKU, or the
 * first SKU it does not sell.
 */
export async function priceLines(
  tx: Database,
  { supplierId, lines }: { supplierId: string; lines: readonly OrderLine[] },
): Promise<NewOrderLine[] | ReturnType<typeof skuNotSupplied>> {
  const items = await createSuppliersRepository({ db: tx }).findItems(
    lines.map(({ sku }) => ({ supplierId, sku })),
  );
  const bySku = new Map(items.map((item) => [item.sku, item]));
  const missing = lines.find(({ sku }) => !bySku.has(sku));
  if (missing) return skuNotSupplied({ sku: missing.sku, supplierId });
  return lines.map(({ sku, quantity }) => {
    const item = bySku.get(sku)!;
    return {
      sku,
      quantity,
      supplierSku: item.supplierSku,
      unitCostMinor: item.unitCostMinor,
      leadTimeDays: item.leadTimeDays,
    };
  });
}

/**
 * Starts a DRAFT purchase order at the supplier's current terms. Its warehouse must take
 * receipts: nothing is bought for a warehouse that would refuse the delivery.
 */
export async function createPurchaseOrder(
  tx: Database,
  {
    supplierId,
    warehouseId,
    lines,
    actor,
  }: { supplierId: string; warehouseId: string; lines: readonly OrderLine[]; actor: string | null },
) {
  const [supplier] = await createSuppliersRepository({ db: tx }).findByIds([supplierId]);
  if (!supplier) return supplierNotFound(supplierId);
  if (!supplier.active) {
    return invalidInput(`The supplier ${supplier.name} is inactive.`, 'supplierId');
  }
  const closed = await checkReceivingWarehouse(tx, { warehouseId });
  if (closed) return closed;
  const priced = await priceLines(tx, { supplierId, lines });
  if ('__typename' in priced) return priced;
  const order = await createPurchaseOrdersRepository({ db: tx }).insert({
    supplierId,
    warehouseId,
    currencyCode: supplier.currencyCode,
    createdBy: actor,
    lines: priced,
  });
  return success(order.id);
}

/** Replaces the lines of a DRAFT purchase order, at the supplier's current terms. */
export async function updatePurchaseOrderLines(
  tx: Database,
  { purchaseOrderId, lines }: { purchaseOrderId: string; lines: readonly OrderLine[] },
) {
  const orders = createPurchaseOrdersRepository({ db: tx });
  const order = await orders.lock(purchaseOrderId);
  if (!order) return purchaseOrderNotFound(purchaseOrderId);
  const refused = checkStatus({ purchaseOrderId, status: order.status, action: 'edit' });
  if (refused) return refused;
  const priced = await priceLines(tx, { supplierId: order.supplierId, lines });
  if ('__typename' in priced) return priced;
  await orders.replaceLines(purchaseOrderId, priced);
  return success(purchaseOrderId);
}

/**
 * Sends a DRAFT purchase order: SUBMITTED, expected after its slowest line's lead time. A draft
 * whose warehouse was deactivated since is refused (naming `purchaseOrderId`): the supplier
 * would deliver to a warehouse that takes nothing in.
 */
export async function submitPurchaseOrder(
  tx: Database,
  { purchaseOrderId, actor }: { purchaseOrderId: string; actor: string | null },
) {
  const orders = createPurchaseOrdersRepository({ db: tx });
  const order = await orders.lock(purchaseOrderId);
  if (!order) return purchaseOrderNotFound(purchaseOrderId);
  const refused = checkStatus({ purchaseOrderId, status: order.status, action: 'submit' });
  if (refused) return refused;
  const closed = await checkReceivingWarehouse(tx, {
    warehouseId: order.warehouseId,
    field: 'purchaseOrderId',
  });
  if (closed) return closed;
  const lines = await orders.findLinesByOrderIds([purchaseOrderId]);
  const submitted = await orders.setStatus(purchaseOrderId, {
    status: 'SUBMITTED',
    expectedInDays: expectedInDaysOf(lines),
  });
  await appendEvent(
    tx,
    inventoryEvents.event({
      streamType: 'purchase_order',
      streamId: purchaseOrderId,
      type: 'purchase_order.submitted',
      payload: {
        purchaseOrderId,
        supplierId: order.supplierId,
        warehouseId: order.warehouseId,
        lines: lines.map(({ sku, quantity }) => ({ sku, quantity })),
        total: toMoney(totalOf(lines), order.currencyCode),
        expectedAt: submitted.expectedAt!.toISOString(),
        actor,
      },
    }),
  );
  return success(purchaseOrderId);
}

/** Cancels what is not received of an open purchase order; received units stay in stock. */
export async function cancelPurchaseOrder(
  tx: Database,
  {
    purchaseOrderId,
    reason,
    actor,
  }: { purchaseOrderId: string; reason: string | null; actor: string | null },
) {
  const orders = createPurchaseOrdersRepository({ db: tx });
  const order = await orders.lock(purchaseOrderId);
  if (!order) return purchaseOrderNotFound(purchaseOrderId);
  const refused = checkStatus({ purchaseOrderId, status: order.status, action: 'cancel' });
  if (refused) return refused;
  const lines = await orders.findLinesByOrderIds([purchaseOrderId]);
  await orders.setStatus(purchaseOrderId, { status: 'CANCELLED', cancelReason: reason });
  await appendEvent(
    tx,
    inventoryEvents.event({
      streamType: 'purchase_order',
      streamId: purchaseOrderId,
      type: 'purchase_order.cancelled',
      payload: {
        purchaseOrderId,
        supplierId: order.supplierId,
        warehouseId: order.warehouseId,
        previousStatus: order.status,
        // what will no longer come
        cancelled: lines
          .map((line) => ({
            sku: line.sku,
            quantity: outstandingOf({ ...line, status: order.status }),
          }))
          .filter(({ quantity }) => quantity > 0),
        reason,
        actor,
      },
    }),
  );
  return success(purchaseOrderId);
}
