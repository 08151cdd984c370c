import { customerIdOf, hasRole, type Viewer } from '@ordergraph/shared';
import { canTransition, CARRIER_STATUSES, type ShipmentStatus } from './shipment-status.js';
import { canReportFor, canRunWarehouse } from './shipments.js';

export const SHIPMENT_ACTIONS = [
  'START_PICKING',
  'MARK_PACKED',
  'SHIP',
  'CANCEL',
  'RECORD_TRACKING_EVENT',
] as const;

export type ShipmentAction = (typeof SHIPMENT_ACTIONS)[number];

interface ShipmentState {
  status: ShipmentStatus;
  customerId: string;
  carrierCode: string | null;
  trackingNumber: string | null;
}

/**
 * What the viewer may do with a shipment now: the life cycle's next steps that the viewer's
 * roles allow. Cancelling goes through the order, so it needs every shipment of the order
 * still unshipped (`orderShipments`, this one included).
 */
export function allowedActions({
  viewer,
  shipment,
  orderShipments,
}: {
  viewer: Viewer;
  shipment: ShipmentState;
  orderShipments: readonly { status: ShipmentStatus }[];
}): ShipmentAction[] {
  const { status } = shipment;
  const warehouse = canRunWarehouse(viewer);
  const allowed = {
    START_PICKING: warehouse && canTransition(status, 'PICKING'),
    MARK_PACKED: warehouse && canTransition(status, 'PACKED'),
    SHIP: warehouse && canTransition(status, 'SHIPPED'),
    CANCEL:
      canCancelOrder(viewer, shipment.customerId) &&
      canTransition(status, 'CANCELLED') &&
      orderShipments.every(
        (other) => other.status === 'CANCELLED' || canTransition(other.status, 'CANCELLED'),
      ),
    RECORD_TRACKING_EVENT:
      shipment.carrierCode !== null &&
      shipment.trackingNumber !== null &&
      canReportFor(viewer, shipment.carrierCode) &&
      CARRIER_STATUSES.some((next) => canTransition(status, next)),
  } satisfies Record<ShipmentAction, boolean>;
  return SHIPMENT_ACTIONS.filter((action) => allowed[action]);
}

// the orders service's rule for cancelOrder: the order's customer, or staff and admins
const canCancelOrder = (viewer: Viewer, customerId: string) =>
  hasRole(viewer, 'staff', 'admin') || customerIdOf(viewer) === customerId;
