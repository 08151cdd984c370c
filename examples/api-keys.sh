#!/usr/bin/env bash
# partners and scripts identify with an API key (x-api-key) instead of a token; the router
# must be started with the example clients file, whose keys are for development only:
#   ROUTER_CLIENTS_PATH=config/clients.example.json npm start
source "$(dirname "$0")/lib.sh"

# backoffice-scripts: staff role, open policy (any operation)
body customers |
  curl -sS --fail-with-body "$ROUTER_URL" -H 'content-type: application/json' \
    -H 'x-api-key: og_example_backoffice_key_replace_me' --data-binary @- |
  jq -r '"backoffice-scripts, Customers: \([.data.customers.nodes[].name] | join(", "))"'

# partner-acme: staff role, safelist policy: the persisted operations only, sent by id
id="$(jq -r '.operations[] | select(.name == "VariantBySku") | .id' schema/persisted-queries.json)"
jq -n --arg id "$id" --slurpfile variables examples/variant-by-sku.json \
  '{ variables: $variables[0], extensions: { persistedQuery: { version: 1, sha256Hash: $id } } }' |
  curl -sS --fail-with-body "$ROUTER_URL" -H 'content-type: application/json' \
    -H 'x-api-key: og_example_partner_key_replace_me' --data-binary @- |
  jq -r '.data.variant | "partner-acme, VariantBySku by id: \(.sku) \(.price.amount), \(.available) available"'

# ... and any other document is refused before a subgraph is called
body customers |
  curl -sS "$ROUTER_URL" -H 'content-type: application/json' \
    -H 'x-api-key: og_example_partner_key_replace_me' --data-binary @- -w '\n%{http_code}\n' |
  jq -rs '"partner-acme, Customers: \(.[1]) \(.[0].errors[0].extensions.code)"'
