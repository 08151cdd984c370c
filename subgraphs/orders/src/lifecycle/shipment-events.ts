import {
  appendEvent,
  readActor,
  systemActor,
  type Actor,
  type ConsumedEvent,
  type Database,
  type Logger,
} from '@ordergraph/shared';
import { captureAmount } from './captures.js';
import type { OrderRow, OrderShipmentRow } from '../db/schema.js';
import { createLifecycleRepository, type LifecycleRepository } from './lifecycle.repository.js';
import { canMoveOrder, hasShipped, orderStatusFromShipments } from './order-status.js';

/** Looks up a warehouse's short code (e.g. "EAST") by its id. */
export type WarehouseCodes = (warehouseId: string) => Promise<string>;

type Payload = Record<string, unknown>;
const text = (value: unknown) => (typeof value === 'string' && value ? value : null);

function linesOf(payload: Payload): { orderLineId: string; quantity: number }[] {
  const lines = Array.isArray(payload['lines']) ? (payload['lines'] as Payload[]) : [];
  return lines.flatMap((line) =>
    typeof line['orderLineId'] === 'string' && Number.isInteger(line['quantity'])
      ? [{ orderLineId: line['orderLineId'], quantity: line['quantity'] as number }]
      : [],
  );
}

/** the shipment's status after this event: the payload says it, the type repeats it */
function statusOf(event: ConsumedEvent): string {
  return text(event.payload['status']) ?? event.type.slice('shipment.'.length).toUpperCase();
}

/**
 * Applies one event of the shipments service's feed to this service, inside the consumer's
 * transaction: records the shipment (`shipment.created`) or its new status, moves the order
 * status as its shipments add up (through the order state machine), writes the capture a
 * shipped shipment owes (taken later by the capture runner, outside any transaction), and
 * appends `shipment.updated` and, when the order moved, `order.status_changed`. An event at or
 * below the shipment's last applied seq is ignored, so a redelivered event changes nothing.
 */
export async function applyShipmentEvent(
  event: ConsumedEvent,
  tx: Database,
  { warehouseCodes, log }: { warehouseCodes: WarehouseCodes; log: Logger },
): Promise<void> {
  // a duplicate or late carrier report moves nothing, so it is no step of the order
  if (!event.type.startsWith('shipment.') || event.type === 'shipment.tracking_recorded') return;
  const payload = event.payload;
  const shipmentId = text(payload['shipmentId']);
  const orderId = text(payload['orderId']);
  if (!shipmentId || !orderId) {
    log.warn({ seq: event.seq, type: event.type }, 'shipment event without ids; skipped');
    return;
  }
  const repository = createLifecycleRepository({ db: tx });
  const locked = await repository.lockOrderWithShipments(orderId);
  if (!locked) {
    log.warn({ seq: event.seq, orderId }, 'shipment of an unknown order; skipped');
    return;
  }
  const { order } = locked;
  const known = locked.shipments.find((shipment) => shipment.id === shipmentId) ?? null;
  if (known && event.seq <= known.lastEventSeq) return;
  if (known && event.type === 'shipment.created') return;

  const status = statusOf(event);
  // the step is the warehouse's or the carrier's: the timeline names them, not this consumer
  const actor = readActor(payload['actor'], systemActor('shipments'));
  const tracking = {
    carrierCode: text(payload['carrierCode']) ?? known?.carrierCode ?? null,
    trackingNumber: text(payload['trackingNumber']) ?? known?.trackingNumber ?? null,
    trackingUrl: text(payload['trackingUrl']) ?? known?.trackingUrl ?? null,
  };
  let shipment: OrderShipmentRow;
  if (known) {
    shipment = { ...known, status, ...tracking, lastEventSeq: event.seq };
  } else {
    const warehouseId = text(payload['warehouseId']) ?? 'unknown';
    const orderLineIds = new Set((await repository.findOrderLines(orderId)).map((l) => l.id));
    const lines = linesOf(payload).filter((line) => orderLineIds.has(line.orderLineId));
    shipment = {
      id: shipmentId,
      orderId,
      warehouseId,
      warehouseCode: await warehouseCodes(warehouseId),
      status,
      ...tracking,
      lastEventSeq: event.seq,
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    await repository.insertShipment(shipment, lines);
  }

  if (status === 'SHIPPED' && (!known || !hasShipped(known.status))) {
    await owePayment(repository, { order, shipment, shippedLines: linesOf(payload), actor });
  }

  // the order's shipments as they are now: this one as moved, or added
  const statuses = [
    ...locked.shipments.map((s) => (s.id === shipmentId ? status : s.status)),
    ...(known ? [] : [status]),
  ];
  const target = orderStatusFromShipments(statuses);
  const moves = target !== null && target !== order.status && canMoveOrder(order.status, target);
  if (target && target !== order.status && !moves) {
    log.info({ orderId, from: order.status, to: target }, 'order status left as it is');
  }
  if (known) {
    await repository.moveShipmentAndOrder({
      shipmentId,
      shipment: { status, ...tracking, lastEventSeq: event.seq },
      orderId,
      orderStatus: moves ? target : null,
    });
  } else {
    await repository.moveOrder(orderId, moves ? { status: target } : {});
  }

  await appendEvent(tx, {
    streamType: 'order',
    streamId: orderId,
    type: 'shipment.updated',
    payload: {
      orderId,
      customerId: order.customerId,
      shipmentId,
      status,
      previousStatus: known?.status ?? null,
      warehouseId: shipment.warehouseId,
      warehouseCode: shipment.warehouseCode,
      ...tracking,
      description: text(payload['description']),
      location: text(payload['location']),
      occurredAt: text(payload['occurredAt']) ?? event.occurredAt.toISOString(),
      actor,
    },
  });
  if (moves) {
    await appendEvent(tx, {
      streamType: 'order',
      streamId: orderId,
      type: 'order.status_changed',
      payload: {
        orderId,
        customerId: order.customerId,
        number: order.number,
        from: order.status,
        to: target,
        actor,
      },
    });
  }
}

/** writes the capture a shipment owes now that it has shipped (see captureAmount) */
async function owePayment(
  repository: LifecycleRepository,
  {
    order,
    shipment,
    shippedLines,
    actor,
  }: {
    order: OrderRow;
    shipment: OrderShipmentRow;
    shippedLines: { orderLineId: string; quantity: number }[];
    actor: Actor;
  },
) {
  const [payment] = await repository.findPayments(order.id);
  if (!payment || order.paymentStatus !== 'AUTHORIZED') return;
  const all = await repository.findShipmentLines(order.id);
  const own = all.filter((line) => line.shipmentId === shipment.id);
  const lines = await repository.findOrderLines(order.id);
  const ids = new Set(lines.map((line) => line.id));
  const shipped = shippedLines.filter((line) => ids.has(line.orderLineId));
  const amount = captureAmount({
    order: { subtotal: order.subtotal, total: order.total, lines },
    // the lines as shipped, when the event names them; as announced otherwise
    shipment: shipped.length > 0 ? shipped : own,
    shippedBefore: all.filter((line) => line.shipmentId !== shipment.id && hasShipped(line.status)),
    capturedBefore: await repository.capturedOrPending(order.id),
  });
  await repository.insertCapture({
    shipmentId: shipment.id,
    orderId: order.id,
    paymentId: payment.id,
    amount,
    currency: order.currency,
    status: 'PENDING',
    // the capture runner settles it later; its event names who shipped
    actor,
  });
}
