#!/usr/bin/env bash
# the signed-in customer's latest order, with fields from all five subgraphs
source "$(dirname "$0")/lib.sh"
TOKEN="${TOKEN:-$(token --role customer)}"
graphql "$TOKEN" my-recent-orders | jq .
