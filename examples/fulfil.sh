#!/usr/bin/env bash
# the warehouse picks, packs and ships every shipment of an order, then waits for the order to
# follow (the orders service reads the shipments' events): fulfil.sh [order id], by default
# the order of place-order.sh (placing it again returns the same order)
source "$(dirname "$0")/lib.sh"
ORDER_ID="${1:-$(examples/place-order.sh | jq -r .data.placeOrder.order.id)}"
WAREHOUSE="$(token --role warehouse)"

# the shipments appear once the shipments service has read the order's confirmation
for _ in $(seq 50); do
  order="$(graphql "$WAREHOUSE" order-shipments ORDER_ID="$ORDER_ID" | jq .data.order)"
  [ "$(jq '.shipments | length' <<<"$order")" -gt 0 ] && break
  sleep 0.2
done
jq -r '"order \(.number): \(.status), \(.shipments | length) shipment(s)"' <<<"$order"

for shipment in $(jq -r '.shipments[].id' <<<"$order"); do
  for step in start-picking mark-packed ship-shipment; do
    result="$(graphql "$WAREHOUSE" "$step" SHIPMENT_ID="$shipment" | jq '.data[]')"
    if [ "$(jq -r .__typename <<<"$result")" != ShipmentSuccess ]; then
      echo "$step failed: $result" >&2
      exit 1
    fi
    jq -r --arg step "$step" \
      '"  \($step): \(.shipment.status)\(.shipment.trackingNumber // "" | if . == "" then "" else ", tracking number " + . end)"' \
      <<<"$result"
  done
done

# the order follows its shipments a moment later, and the payment is captured
for _ in $(seq 100); do
  order="$(graphql "$WAREHOUSE" order-shipments ORDER_ID="$ORDER_ID" | jq .data.order)"
  [ "$(jq -r '.status + " " + .paymentStatus' <<<"$order")" = 'SHIPPED CAPTURED' ] && break
  sleep 0.2
done
jq -r '"order \(.number): \(.status), payment \(.paymentStatus)"' <<<"$order"
