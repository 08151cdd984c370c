# syntax=docker/dockerfile:1
# One image for every ordergraph service; the command picks the entry point
# (docker-compose.yml: `command: ["subgraphs/orders/src/index.ts"]`, or router/src/index.ts).
# The services run their TypeScript sources through tsx, as in development.

FROM node:20-bookworm-slim AS base
WORKDIR /app

# every workspace's package.json, so `npm ci` sees the same tree as package-lock.json
FROM base AS manifests
COPY package.json package-lock.json ./
COPY router/package.json router/
COPY subgraphs/shared/package.json subgraphs/shared/
COPY subgraphs/customers/package.json subgraphs/customers/
COPY subgraphs/catalog/package.json subgraphs/catalog/
COPY subgraphs/orders/package.json subgraphs/orders/
COPY subgraphs/inventory/package.json subgraphs/inventory/
COPY subgraphs/shipments/package.json subgraphs/shipments/
COPY bench/package.json bench/

# the production dependencies (workspaces may hold their own node_modules, e.g. router/)
FROM manifests AS production-deps
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# every dependency, only to take tsx (a development dependency) from
FROM manifests AS all-deps
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM production-deps AS app
# tsx and what it runs on: esbuild and its binary for this platform
COPY --from=all-deps /app/node_modules/tsx ./node_modules/tsx
COPY --from=all-deps /app/node_modules/esbuild ./node_modules/esbuild
COPY --from=all-deps /app/node_modules/@esbuild ./node_modules/@esbuild
COPY tsconfig.json ./
COPY schema ./schema
COPY subgraphs ./subgraphs
COPY router ./router

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=app /app ./
USER node
# tsx keeps its compile cache in the temporary directory (a tmpfs in docker-compose.yml)
ENTRYPOINT ["node", "--enable-source-maps", "--import", "tsx"]
CMD ["router/src/index.ts"]
