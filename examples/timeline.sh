#!/usr/bin/env bash
# the order's timeline as its customer sees it: timeline.sh [order id], by default the order
# of place-order.sh
source "$(dirname "$0")/lib.sh"
TOKEN="${TOKEN:-$(token --role customer)}"
ORDER_ID="${1:-$(examples/place-order.sh | jq -r .data.placeOrder.order.id)}"
graphql "$TOKEN" order-timeline ORDER_ID="$ORDER_ID" |
  jq -r '.data.order | "\(.number): \(.status), payment \(.paymentStatus)",
    (.timeline[] | "  \(.type): \(.message)")'
