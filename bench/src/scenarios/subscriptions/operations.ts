// the two operations of live order tracking: what the apps subscribe to, what the carrier sends

/** The full cross-subgraph selection of issue 4: orders, customers, catalog, inventory, shipments. */
export const TRACK_ORDER = `subscription Track($orderId: ID!, $after: String) {
  orderUpdated(orderId: $orderId, after: $after) {
    cursor
    event { type occurredAt }
    order {
      status
      customer { name }
      lines { variant { name stock { available } } }
      shipments { status trackingNumber }
    }
  }
}`;

/** One carrier scan: moves the shipment, so the order's timeline gets one `shipment.updated`. */
export const RECORD_SCAN = `mutation Scan($input: RecordTrackingEventInput!) {
  recordTrackingEvent(input: $input) {
    __typename
    ... on ShipmentSuccess { shipment { status } }
    ... on UserError { message }
  }
}`;

/** the timeline entry each scan adds to the order */
export const SCAN_EVENT_TYPE = 'shipment.updated';

/** stands for the shipment's status in an expected update: it changes with every scan */
export const CHANGING_STATUS = '*';

/**
 * The wall clock in milliseconds with sub-millisecond resolution. Every process on the machine
 * reads the same clock, so a time taken in one (a mutation sent) and one taken in another (the
 * update received) may be subtracted.
 */
export const wallClockMs = () => performance.timeOrigin + performance.now();
