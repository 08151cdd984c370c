import { customerIdOf, hasRole, isPrivileged, type Viewer } from '@ordergraph/shared';

/** What an Order reference from the orders service carries here. */
export interface OrderReference {
  id: string;
}

/** The placeholder in a carrier's tracking URL template. */
export const TRACKING_NUMBER_PLACEHOLDER = '{trackingNumber}';

/**
 * Who may see a shipment: its customer, staff and services, the warehouse that fulfils it,
 * and the carrier that carries it.
 */
export function canSeeShipment(
  viewer: Viewer,
  shipment: { customerId: string; carrierCode: string | null },
): boolean {
  if (isPrivileged(viewer) || hasRole(viewer, 'warehouse')) return true;
  if (customerIdOf(viewer) === shipment.customerId) return true;
  const carrierCode = boundCarrierCode(viewer);
  return carrierCode !== null && carrierCode === shipment.carrierCode;
}

/**
 * The carrier code a carrier caller is bound to (its token's `carrier` claim or its API key's
 * client), in the stored spelling; null for anyone else.
 */
export function boundCarrierCode(viewer: Viewer): string | null {
  if (!hasRole(viewer, 'carrier') || !viewer.carrierCode) return null;
  return viewer.carrierCode.trim().toLowerCase() || null;
}

/** The shipment when the viewer may see it, null otherwise (or when there is none). */
export const visibleShipment = <S extends { customerId: string; carrierCode: string | null }>(
  viewer: Viewer,
  shipment: S | null,
): S | null => (shipment && canSeeShipment(viewer, shipment) ? shipment : null);

/** A carrier's tracking page for one parcel; the number is URL-encoded into the template. */
export const trackingUrlFor = (template: string, trackingNumber: string): string =>
  template.replaceAll(TRACKING_NUMBER_PLACEHOLDER, encodeURIComponent(trackingNumber));

/** What a shipment mutation stores under its idempotency key when it succeeds. */
export type ShipmentSuccessResult = { __typename: 'ShipmentSuccess'; shipmentId: string };

export type ShipmentNotFound = {
  __typename: 'ShipmentNotFoundError';
  message: string;
  shipmentId: string | null;
  trackingNumber: string | null;
};

export const shipmentSuccess = (shipmentId: string): ShipmentSuccessResult => ({
  __typename: 'ShipmentSuccess',
  shipmentId,
});

export const shipmentNotFound = ({
  shipmentId = null,
  trackingNumber = null,
}: {
  shipmentId?: string | null;
  trackingNumber?: string | null;
}): ShipmentNotFound => ({
  __typename: 'ShipmentNotFoundError',
  message:
    shipmentId !== null
      ? `No shipment has the id ${shipmentId}.`
      : `The carrier has no parcel with the tracking number ${trackingNumber ?? ''}.`,
  shipmentId,
  trackingNumber,
});

/** Picking, packing and shipping: the warehouse, staff and admins. */
export const canRunWarehouse = (viewer: Viewer): boolean =>
  hasRole(viewer, 'warehouse', 'staff', 'admin');

/** Carrier reports: staff and admins for any carrier, a carrier for its own parcels only. */
export const canReportFor = (viewer: Viewer, carrierCode: string): boolean =>
  hasRole(viewer, 'staff', 'admin') || boundCarrierCode(viewer) === carrierCode;
