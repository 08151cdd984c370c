import {
  actorOf,
  appendEvent,
  ordersEvents,
  canActForCustomer,
  invalidInput,
  isUuid,
  withIdempotency,
  type Database,
  type InvalidInput,
  type Viewer,
} from '@ordergraph/shared';
import type { InventoryClient } from '../clients/inventory.js';
import { createOrdersRepository } from '../orders.repository.js';
import type { LineReceipt, ReturnRequest } from './return-inputs.js';
import {
  lockForMove,
  orderNotFound,
  returnNotFound,
  scopeOf,
  type OrderNotFound,
  type ReturnNotFound,
  type ReturnSuccessResult,
} from './return-results.js';
import {
  checkReturnable,
  orderNotReturnable,
  refundValue,
  returnableQuantities,
  type InvalidReturnTransition,
  type ReturnNotAllowed,
} from './returns.js';
import { createReturnsRepository } from './returns.repository.js';
import { settleOrderAfterReceipt } from './return-effects.js';

type Decision = { status: 'APPROVED' } | { status: 'REJECTED'; rejectionReason: string };

/** The returns mutations other than refunds, each in one transaction with its events. */
export function createReturnFlows({
  db,
  inventory,
  returnWindowDays,
}: {
  db: Database;
  inventory: Pick<InventoryClient, 'restockReturn' | 'warehouses'>;
  returnWindowDays: number;
}) {
  type DecisionRequest = {
    viewer: Viewer;
    returnId: string;
    input: Record<string, unknown>;
    idempotencyKey: string;
  };

  function decide<T extends 'ApproveReturnSuccess' | 'RejectReturnSuccess'>(
    { viewer, returnId, input, idempotencyKey }: DecisionRequest,
    decision: Decision,
    success: T,
  ) {
    const approving = decision.status === 'APPROVED';
    if (!isUuid(returnId)) return Promise.resolve(returnNotFound(returnId));
    return withIdempotency<ReturnSuccessResult<T> | ReturnNotFound | InvalidReturnTransition>(db, {
      scope: scopeOf(approving ? 'approveReturn' : 'rejectReturn', viewer),
      key: idempotencyKey,
      input,
      run: async (tx) => {
        const repository = createReturnsRepository({ db: tx });
        const locked = await lockForMove(repository, returnId, decision.status);
        if ('__typename' in locked) return locked;
        const { found } = locked;
        await repository.decide(returnId, decision);
        await appendEvent(
          tx,
          ordersEvents.event({
            streamType: 'order',
            streamId: found.orderId,
            type: approving ? 'return.approved' : 'return.rejected',
            payload: {
              orderId: found.orderId,
              customerId: found.customerId,
              returnId,
              ...(approving ? {} : { reason: decision.rejectionReason }),
              decidedBy: viewer.subject,
              actor: actorOf(viewer),
            },
          }),
        );
        return { __typename: success, returnId };
      },
    });
  }

  return {
    /** asks to return delivered units; a customer sees another's order as not found */
    requestReturn: ({
      viewer,
      request,
      input,
      idempotencyKey,
    }: {
      viewer: Viewer;
      request: ReturnRequest;
      input: Record<string, unknown>;
      idempotencyKey: string;
    }) => {
      const { orderId } = request;
      return withIdempotency<
        | ReturnSuccessResult<'RequestReturnSuccess'>
        | OrderNotFound
        | ReturnNotAllowed
        | InvalidInput
      >(db, {
        scope: scopeOf('requestReturn', viewer),
        key: idempotencyKey,
        input,
        run: async (tx) => {
          const repository = createReturnsRepository({ db: tx });
          const order = await repository.lockOrder(orderId);
          if (!order || !canActForCustomer(viewer, order.customerId)) {
            return orderNotFound(orderId);
          }
          const lines = await createOrdersRepository({ db: tx }).findLinesByOrderIds([orderId]);
          const byId = new Map(lines.map((line) => [line.id, line]));
          const unknown = request.lines.findIndex((line) => !byId.has(line.orderLineId));
          if (unknown >= 0) {
            return invalidInput(
              'No line of this order has this id.',
              `lines.${unknown}.orderLineId`,
            );
          }
          const deliveries = await repository.findDeliveries(order);
          if (deliveries.length === 0) return orderNotReturnable();
          const returnable = returnableQuantities({
            lineIds: lines.map((line) => line.id),
            deliveries,
            returned: await repository.returnedQuantities(orderId),
            now: new Date(),
            windowDays: returnWindowDays,
          });
          const refusal = checkReturnable(request.lines, returnable, returnWindowDays);
          if (refusal) return refusal;

          const valued = request.lines.map(({ orderLineId, quantity }) => {
            const line = byId.get(orderLineId)!;
            const amount = refundValue(order, { unitPrice: line.unitPrice, quantity });
            return { orderLineId, sku: line.sku, quantity, amount };
          });
          const created = await repository.insert({
            orderId,
            customerId: order.customerId,
            reason: request.reason,
            requestedBy: viewer.subject ?? '',
            currency: order.currency,
            lines: valued,
          });
          await appendEvent(
            tx,
            ordersEvents.event({
              streamType: 'order',
              streamId: orderId,
              type: 'return.requested',
              payload: {
                orderId,
                customerId: order.customerId,
                returnId: created.id,
                reason: request.reason,
                lines: valued,
                amount: valued.reduce((sum, line) => sum + line.amount, 0),
                currency: order.currency,
                requestedBy: viewer.subject,
                actor: actorOf(viewer),
              },
            }),
          );
          return { __typename: 'RequestReturnSuccess', returnId: created.id };
        },
      });
    },

    /** staff accept a requested return */
    approveReturn: (request: DecisionRequest) =>
      decide(request, { status: 'APPROVED' }, 'ApproveReturnSuccess'),

    /** staff refuse a requested return, saying why */
    rejectReturn: (request: DecisionRequest & { rejectionReason: string }) =>
      decide(
        request,
        { status: 'REJECTED', rejectionReason: request.rejectionReason },
        'RejectReturnSuccess',
      ),

    /**
     * Records an approved return's arrival: restocked lines go back into the chosen
     * warehouses' stock through the inventory (idempotent per return and warehouse, so a retry
     * after a failure restocks nothing twice), written-off lines go nowhere.
     */
    receiveReturn: ({
      viewer,
      returnId,
      receipts,
      input,
      idempotencyKey,
      requestId,
    }: {
      viewer: Viewer;
      returnId: string;
      receipts: LineReceipt[];
      input: Record<string, unknown>;
      idempotencyKey: string;
      requestId?: string;
    }) => {
      if (!isUuid(returnId)) return Promise.resolve(returnNotFound(returnId));
      return withIdempotency<
        | ReturnSuccessResult<'ReceiveReturnSuccess'>
        | ReturnNotFound
        | InvalidReturnTransition
        | InvalidInput
      >(db, {
        scope: scopeOf('receiveReturn', viewer),
        key: idempotencyKey,
        input,
        run: async (tx) => {
          const repository = createReturnsRepository({ db: tx });
          const locked = await lockForMove(repository, returnId, 'RECEIVED');
          if ('__typename' in locked) return locked;
          const { found, order } = locked;
          const lines = await repository.findLinesByReturnIds([returnId]);
          const byLine = new Map(lines.map((line) => [line.orderLineId, line]));
          const stranger = receipts.findIndex((receipt) => !byLine.has(receipt.orderLineId));
          if (stranger >= 0) {
            return invalidInput(
              'No line of this return has this order line.',
              `lines.${stranger}.orderLineId`,
            );
          }
          if (receipts.length !== lines.length) {
            return invalidInput('Say what was done with every line of the return.', 'lines');
          }
          if (receipts.some((receipt) => receipt.warehouseId)) {
            const known = new Map(
              (await inventory.warehouses()).map((warehouse) => [warehouse.id, warehouse]),
            );
            for (const [index, { warehouseId }] of receipts.entries()) {
              if (!warehouseId) continue;
              const warehouse = known.get(warehouseId);
              if (!warehouse) {
                return invalidInput('No warehouse has this id.', `lines.${index}.warehouseId`);
              }
              // the inventory refuses it too, under its lock; asked here first, the staff
              // recording the return are told which line to send elsewhere
              if (!warehouse.active) {
                return invalidInput(
                  `Warehouse ${warehouse.code} is inactive: it takes no returned units. Choose an active warehouse.`,
                  `lines.${index}.warehouseId`,
                );
              }
            }
          }
          const warehouses = new Map<string, { sku: string; quantity: number }[]>();
          for (const { orderLineId, warehouseId } of receipts) {
            if (!warehouseId) continue;
            const { sku, quantity } = byLine.get(orderLineId)!;
            warehouses.set(warehouseId, [
              ...(warehouses.get(warehouseId) ?? []),
              { sku, quantity },
            ]);
          }
          // the return stays locked meanwhile: a concurrent receipt waits, then finds it received
          for (const [warehouseId, restocked] of warehouses) {
            await inventory.restockReturn({ returnId, warehouseId, lines: restocked }, requestId);
          }
          await repository.receive(returnId, receipts);
          const change = await settleOrderAfterReceipt(tx, { order, actor: actorOf(viewer) });
          await appendEvent(
            tx,
            ordersEvents.event({
              streamType: 'order',
              streamId: found.orderId,
              type: 'return.received',
              payload: {
                orderId: found.orderId,
                customerId: found.customerId,
                returnId,
                lines: receipts.map(({ orderLineId, disposition, warehouseId }) => ({
                  orderLineId,
                  sku: byLine.get(orderLineId)!.sku,
                  quantity: byLine.get(orderLineId)!.quantity,
                  disposition,
                  warehouseId,
                })),
                receivedBy: viewer.subject,
                actor: actorOf(viewer),
              },
            }),
          );
          await change?.record();
          return { __typename: 'ReceiveReturnSuccess', returnId };
        },
      });
    },
  };
}

export type ReturnFlows = ReturnType<typeof createReturnFlows>;
