#!/usr/bin/env bash
# places an order as the demo customer Ada Lovelace: 3 × TEE-CLASSIC-BLK-M with WELCOME10
# (10% off from 50.00 USD); the same idempotencyKey again returns the same order
source "$(dirname "$0")/lib.sh"
TOKEN="${TOKEN:-$(token --role customer)}"
graphql "$TOKEN" place-order | jq .
