import {
  appendEvent,
  ordersEvents,
  readActor,
  systemActor,
  type Actor,
  type ContractEvent,
  type Database,
  type Logger,
  type PayloadOf,
  type ShipmentsEvents,
} from '@ordergraph/shared';
import { captureAmount } from './captures.js';
import type { OrderRow, OrderShipmentRow } from '../db/schema.js';
import { createLifecycleRepository, type LifecycleRepository } from './lifecycle.repository.js';
import { canMoveOrder, hasShipped, orderStatusFromShipments } from './order-status.js';

/** Looks up a warehouse's short code (e.g. "EAST") by its id. */
export type WarehouseCodes = (warehouseId: string) => Promise<string>;

/** What the steps of a shipment tell, whichever step it is (see the shipments contract). */
type Step = PayloadOf<ShipmentsEvents, 'shipment.picking'> &
  Partial<PayloadOf<ShipmentsEvents, 'shipment.shipped'>>;

const linesOf = (payload: Step) =>
  (payload.lines ?? []).map(({ orderLineId, quantity }) => ({ orderLineId, quantity }));

/**
 * Applies one event of the shipments service's feed to this service, inside the consumer's
 * transaction: records the shipment (`shipment.created`) or its new status, moves the order
 * status as its shipments add up (through the order state machine), writes the capture a
 * shipped shipment owes (taken later by the capture runner, outside any transaction), and
 * appends `shipment.updated` and, when the order moved, `order.status_changed`. An event at or
 * below the shipment's last applied seq is ignored, so a redelivered event changes nothing.
 */
export async function applyShipmentEvent(
  event: ContractEvent<ShipmentsEvents>,
  tx: Database,
  { warehouseCodes, log }: { warehouseCodes: WarehouseCodes; log: Logger },
): Promise<void> {
  // a duplicate or late carrier report moves nothing, so it is no step of the order
  if (
    event.type === 'shipment.tracking_recorded' ||
    event.type === 'carrier.created' ||
    event.type === 'carrier.updated'
  ) {
    return;
  }
  const payload: Step = event.payload;
  const { shipmentId, orderId } = payload;
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

  // the shipment's status after this event: the payload says it, the type repeats it
  const status = payload.status || event.type.slice('shipment.'.length).toUpperCase();
  // the step is the warehouse's or the carrier's: the timeline names them, not this consumer
  const actor = readActor(payload.actor, systemActor('shipments'));
  const tracking = {
    carrierCode: payload.carrierCode || known?.carrierCode || null,
    trackingNumber: payload.trackingNumber || known?.trackingNumber || null,
    trackingUrl: payload.trackingUrl || known?.trackingUrl || null,
  };
  let shipment: OrderShipmentRow;
  if (known) {
    shipment = { ...known, status, ...tracking, lastEventSeq: event.seq };
  } else {
    const { warehouseId } = payload;
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

  await appendEvent(
    tx,
    ordersEvents.event({
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
        description: payload.description || null,
        location: payload.location || null,
        occurredAt: payload.occurredAt || event.occurredAt.toISOString(),
        actor,
      },
    }),
  );
  if (moves) {
    await appendEvent(
      tx,
      ordersEvents.event({
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
      }),
    );
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
