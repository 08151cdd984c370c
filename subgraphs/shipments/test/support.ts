import { eq } from 'drizzle-orm';
import { readEvents, type DatabaseHandle, type Viewer } from '@ordergraph/shared';
import {
  subgraphRequest,
  viewers,
  type GraphQLResponse,
  type TestSubgraph,
} from '@ordergraph/shared/testing';
import { shipments, trackingEvents, type ShipmentRow } from '../src/db/schema.js';
import { createShipment, forceStatus } from './fixtures.js';

const RESULT = `fragment Result on ShipmentResult {
  __typename
  ... on ShipmentSuccess { shipment { id status } }
  ... on InvalidTransitionError { message from to }
  ... on ShipmentNotFoundError { message shipmentId trackingNumber }
  ... on InvalidInputError { message field } }`;

const operation = (name: string, inputType: string) =>
  `mutation($input: ${inputType}!) { ${name}(input: $input) { ...Result } } ${RESULT}`;

export const MUTATIONS = {
  startPicking: operation('startPicking', 'ShipmentActionInput'),
  markPacked: operation('markPacked', 'ShipmentActionInput'),
  shipShipment: operation('shipShipment', 'ShipShipmentInput'),
  recordTrackingEvent: operation('recordTrackingEvent', 'RecordTrackingEventInput'),
} as const;

export type ShipmentMutation = keyof typeof MUTATIONS;

export const CANCEL_ORDER_SHIPMENTS = `mutation($input: CancelOrderShipmentsInput!) {
  cancelOrderShipments(input: $input) }`;

let keys = 0;
/** a fresh idempotency key */
export const newKey = (prefix = 'key') => `${prefix}-${++keys}-${Date.now()}`;

/** Runs one of the shipment mutations; the input gets a fresh idempotency key unless given. */
export function mutate(
  url: string,
  mutation: ShipmentMutation,
  input: Record<string, unknown>,
  viewer: Viewer,
): Promise<GraphQLResponse> {
  return subgraphRequest(url, {
    query: MUTATIONS[mutation],
    viewer,
    variables: { input: { idempotencyKey: newKey(mutation), ...input } },
  });
}

/** The mutation's result as data, failing loudly on GraphQL errors. */
export async function result(
  url: string,
  mutation: ShipmentMutation,
  input: Record<string, unknown>,
  viewer: Viewer,
): Promise<Record<string, any>> {
  const response = await mutate(url, mutation, input, viewer);
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data![mutation];
}

/** Everything the service holds about a shipment: row, tracking history and its events. */
export async function snapshot(handle: DatabaseHandle, shipmentId: string) {
  const [row] = await handle.db.select().from(shipments).where(eq(shipments.id, shipmentId));
  const tracking = await handle.db
    .select()
    .from(trackingEvents)
    .where(eq(trackingEvents.shipmentId, shipmentId));
  const events = await readEvents(handle.db, {
    streamType: 'shipment',
    streamId: shipmentId,
    limit: 1000,
  });
  return { row, tracking, events };
}

/** The types of a shipment's events, oldest first. */
export async function eventTypes(handle: DatabaseHandle, shipmentId: string): Promise<string[]> {
  return (await snapshot(handle, shipmentId)).events.map((event) => event.type);
}

/** The payload of a shipment's last event. */
export async function lastEvent(handle: DatabaseHandle, shipmentId: string) {
  const { events } = await snapshot(handle, shipmentId);
  const last = events.at(-1)!;
  return { type: last.type, payload: last.payload };
}

let parcels = 0;

/** A new shipment, packed and handed to the carrier through shipShipment, with its number. */
export async function shipParcel(
  subgraph: TestSubgraph,
  carrierCode = 'ups',
): Promise<ShipmentRow & { trackingNumber: string }> {
  const shipment = await createShipment(subgraph.handle);
  await forceStatus(subgraph.handle, { shipmentId: shipment.id, status: 'PACKED' });
  const trackingNumber = `${carrierCode.toUpperCase()}-TRACK-${++parcels}-${Date.now()}`;
  const shipped = await result(
    subgraph.url,
    'shipShipment',
    { shipmentId: shipment.id, carrierCode, trackingNumber },
    viewers.warehouse(),
  );
  if (shipped.__typename !== 'ShipmentSuccess') throw new Error(JSON.stringify(shipped));
  return { ...shipment, trackingNumber };
}

/** A UPS scan of a parcel, as recordTrackingEvent takes it (without idempotency key). */
export const scan = (
  parcel: { trackingNumber: string },
  status: string,
  occurredAt: string,
  description = `${status} scan`,
  location: string | null = 'Louisville, KY, US',
) => ({
  carrierCode: 'ups',
  trackingNumber: parcel.trackingNumber,
  status,
  description,
  location,
  occurredAt,
});
