import {
  toMoney,
  type Actor,
  type Database,
  type NewEvent,
  inventoryEvents,
} from '@ordergraph/shared';
import { movement } from '../ledger.js';
import { appendStockEvents, checkReceivingWarehouse, moveStock } from '../stock.js';
import {
  checkStatus,
  planReceipt,
  purchaseOrderNotFound,
  totalOf,
  type PurchaseOrderSuccessResult,
} from './purchase-orders.js';
import type { DeliveryLine } from './purchase-order-inputs.js';
import { createPurchaseOrdersRepository } from './purchase-orders.repository.js';

/**
 * Records a delivery against a purchase order. The order's row is locked first, so deliveries
 * racing on one order are counted one after the other and the second sees the first's units:
 * what was ordered is stocked once, and the tolerance holds whatever the concurrency. Good units
 * enter the stock through the ledger (PURCHASE_RECEIPT, referencing the order); damaged ones
 * are only recorded. An inactive warehouse takes no delivery, checked under its lock as
 * receiveStock does: the refusal names `purchaseOrderId`, the input that chose the warehouse.
 */
export async function receivePurchaseOrder(
  tx: Database,
  {
    purchaseOrderId,
    delivery,
    tolerancePercent,
    actor,
  }: {
    purchaseOrderId: string;
    delivery: readonly DeliveryLine[];
    tolerancePercent: number;
    /** who receives: the stock movements carry it; the receipt and its event keep its id */
    actor: Actor;
  },
) {
  const orders = createPurchaseOrdersRepository({ db: tx });
  const order = await orders.lock(purchaseOrderId);
  if (!order) return purchaseOrderNotFound(purchaseOrderId);
  const refused = checkStatus({ purchaseOrderId, status: order.status, action: 'receive' });
  if (refused) return refused;
  const { warehouseId } = order;
  const closed = await checkReceivingWarehouse(tx, { warehouseId, field: 'purchaseOrderId' });
  if (closed) return closed;
  const lines = await orders.findLinesByOrderIds([purchaseOrderId]);
  const plan = planReceipt({ lines, delivery, tolerancePercent });
  if ('__typename' in plan) return plan;

  const costOf = new Map(lines.map((line) => [line.sku, line.unitCostMinor]));
  const stocked = delivery.filter((line) => line.quantity > 0);
  const { levels, alerts } = await moveStock(
    tx,
    stocked.map(({ sku, quantity }) =>
      movement('PURCHASE_RECEIPT', {
        sku,
        warehouseId,
        quantity,
        reference: purchaseOrderId,
        actor,
      }),
    ),
  );
  const delivered = delivery.map((line) => ({ ...line, unitCostMinor: costOf.get(line.sku)! }));
  const receiptId = await orders.recordReceipt({
    purchaseOrderId,
    receivedBy: actor.id,
    delivered,
    lines: plan.lines,
  });
  await orders.setStatus(purchaseOrderId, { status: plan.status });

  const levelOf = new Map(levels.map((level) => [level.sku, level]));
  const events: NewEvent[] = [
    ...stocked.map(({ sku, quantity }) =>
      inventoryEvents.event({
        streamType: 'sku',
        streamId: sku,
        type: 'stock.received',
        payload: {
          sku,
          warehouseId,
          quantity,
          onHand: levelOf.get(sku)!.onHand,
          reserved: levelOf.get(sku)!.reserved,
        },
      }),
    ),
    inventoryEvents.event({
      streamType: 'purchase_order',
      streamId: purchaseOrderId,
      type: 'purchase_order.received',
      payload: {
        purchaseOrderId,
        receiptId,
        supplierId: order.supplierId,
        warehouseId,
        status: plan.status,
        lines: delivery.map(({ sku, quantity, damaged }) => ({ sku, quantity, damaged })),
        total: toMoney(totalOf(delivered), order.currencyCode),
        actor: actor.id,
      },
    }),
  ];
  await appendStockEvents(tx, events, alerts);
  return {
    __typename: 'PurchaseOrderSuccess',
    purchaseOrderId,
    receiptId,
  } satisfies PurchaseOrderSuccessResult;
}
