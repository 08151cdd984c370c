#!/usr/bin/env bash
# the signed-in customer's latest order, with fields from all five subgraphs, printed a line
# per part (the response itself: drop the jq filter)
source "$(dirname "$0")/lib.sh"
TOKEN="${TOKEN:-$(token --role customer)}"
graphql "$TOKEN" my-recent-orders |
  jq -r '.data.me as $me | $me.orders.nodes[] |
    "\($me.name): \(.number), \(.status), \(.total.amount) \(.total.currencyCode)",
    (.lines[] | "  \(.quantity) × \(.variant.sku) (\(.variant.name)) at \(.variant.price.amount), \(.variant.available) available"),
    (.shipments[] | "  shipment from \(.warehouse.code): \(.status)")'
