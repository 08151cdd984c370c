# one image for every ordergraph service; the service is chosen by the command
# (docker-compose.yml: `command: ["subgraphs/orders/src/index.ts"]`, or router/src/index.ts)

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY router/package.json router/
COPY subgraphs/shared/package.json subgraphs/shared/
COPY subgraphs/customers/package.json subgraphs/customers/
COPY subgraphs/catalog/package.json subgraphs/catalog/
COPY subgraphs/orders/package.json subgraphs/orders/
COPY subgraphs/inventory/package.json subgraphs/inventory/
COPY subgraphs/shipments/package.json subgraphs/shipments/
RUN npm ci --omit=dev --ignore-scripts

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY schema ./schema
COPY router ./router
COPY subgraphs ./subgraphs
USER node
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["router/src/index.ts"]
