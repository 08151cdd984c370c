# shared by the examples: where the router is, tokens, and one function that posts an
# example's GraphQL file with its variables file
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROUTER_URL="${ROUTER_URL:-http://127.0.0.1:4000/graphql}"

# token <npm run token options>: a development token (see npm run token -- --help)
token() {
  npm run --silent token -- "$@"
}

# body <name> [NAME=value ...]: the request body of examples/<name>.graphql with the variables
# of examples/<name>.json, where each NAME in a string is replaced by its value (ORDER_ID, say)
body() {
  local name="$1" fill='.' pair
  local args=()
  for pair in "${@:2}"; do
    args+=(--arg "${pair%%=*}" "${pair#*=}")
    fill+=" | (.. | strings) |= gsub(\"${pair%%=*}\"; \$${pair%%=*})"
  done
  jq -n \
    --rawfile query "examples/$name.graphql" \
    --argjson variables "$(jq "${args[@]}" "$fill" "examples/$name.json")" \
    '{ query: $query, variables: $variables }'
}

# graphql <token> <name> [NAME=value ...]: posts that body with the token; prints the response
graphql() {
  local bearer="$1"
  body "${@:2}" |
    curl -sS --fail-with-body "$ROUTER_URL" \
      -H 'content-type: application/json' \
      -H "authorization: Bearer $bearer" \
      --data-binary @-
}
