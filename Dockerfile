# syntax=docker/dockerfile:1
# One image for every ordergraph service; the command picks the entry point
# (docker-compose.yml: `command: ["subgraphs/orders/dist/index.js"]`, or router/dist/index.js).
# The services run the JavaScript `npm run build` compiles (esbuild, one file per source file)
# on Node 24, the current LTS, as an unprivileged user.

FROM node:24-bookworm-slim AS base
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

# every dependency, to compile with: the build tools are development dependencies
FROM manifests AS build
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json turbo.json ./
COPY schema ./schema
COPY subgraphs ./subgraphs
COPY router ./router
RUN npm run build

FROM production-deps AS app
# what the compiled services read at run time beside their code: the supergraph, each
# subgraph's schema.graphql and migrations, the packages' manifests (exports, `type: module`)
COPY schema ./schema
COPY subgraphs ./subgraphs
COPY router ./router
COPY --from=build /app/subgraphs/shared/dist ./subgraphs/shared/dist
COPY --from=build /app/subgraphs/customers/dist ./subgraphs/customers/dist
COPY --from=build /app/subgraphs/catalog/dist ./subgraphs/catalog/dist
COPY --from=build /app/subgraphs/orders/dist ./subgraphs/orders/dist
COPY --from=build /app/subgraphs/inventory/dist ./subgraphs/inventory/dist
COPY --from=build /app/subgraphs/shipments/dist ./subgraphs/shipments/dist
COPY --from=build /app/router/dist ./router/dist

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=app /app ./
# the image's unprivileged user (uid 1000); the code it runs is root's and read-only to it
USER node
# /health answers once the service listens on PORT (set by docker-compose.yml and the
# Kubernetes manifests for every service; 4000, the router's, when unset); node is the only tool
# in the image
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# the `ordergraph-dist` condition points @ordergraph/shared at its compiled dist/ as well
ENTRYPOINT ["node", "--enable-source-maps", "--conditions=ordergraph-dist"]
CMD ["router/dist/index.js"]
