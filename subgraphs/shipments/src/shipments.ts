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
  return (
    hasRole(viewer, 'carrier') &&
    Boolean(viewer.carrierCode) &&
    viewer.carrierCode === shipment.carrierCode
  );
}

/** The shipment when the viewer may see it, null otherwise (or when there is none). */
export const visibleShipment = <S extends { customerId: string; carrierCode: string | null }>(
  viewer: Viewer,
  shipment: S | null,
): S | null => (shipment && canSeeShipment(viewer, shipment) ? shipment : null);

/** A carrier's tracking page for one parcel; the number is URL-encoded into the template. */
export const trackingUrlFor = (template: string, trackingNumber: string): string =>
  template.replaceAll(TRACKING_NUMBER_PLACEHOLDER, encodeURIComponent(trackingNumber));
