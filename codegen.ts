import { existsSync, readFileSync } from 'node:fs';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { print, printSchema, type DocumentNode } from 'graphql';
import { apiSchemaOf } from './router/src/persisted/api-schema.js';
import { operationId } from './router/src/persisted/manifest.js';
import { normalizeOperation } from './router/src/persisted/operations.js';

// typed resolvers per subgraph: federation-aware, with parents typed as the drizzle rows
const subgraphs: Record<string, Record<string, string>> = {
  customers: {
    Customer: '../db/schema.js#CustomerRow',
    Address: '../db/schema.js#AddressRow',
    RegisterCustomerSuccess: '../customers.js#RegisterCustomerSuccessResult',
    AddAddressSuccess: '../customers.js#AddAddressSuccessResult',
    Notification: '../db/schema.js#NotificationRow',
    MarkNotificationReadSuccess: '../notifications.js#MarkNotificationReadSuccessResult',
  },
  catalog: {
    Product: '../db/schema.js#ProductRow',
    ProductVariant: '../db/schema.js#VariantRow',
    Quote: '../pricing.js#PricedQuote',
    QuoteLine: '../pricing.js#PricedLine',
    CreateProductSuccess: '../catalog.js#CreateProductSuccessResult',
  },
  orders: {
    OrderNote: '../db/schema.js#OrderNoteRow',
    AddOrderNoteSuccess: '../lifecycle/notes.js#AddOrderNoteSuccessResult',
    Order: '../db/schema.js#OrderRow',
    OrderLine: '../placing/place-order-inputs.js#OrderLineWithCurrency',
    OrderEvent: '@ordergraph/shared#EventLogRow',
    ShippingAddress: '../placing/place-order-inputs.js#PostalAddress',
    Customer: '../placing/place-order-inputs.js#CustomerReference',
    PlaceOrderSuccess: '../placing/place-order-inputs.js#PlaceOrderSuccessResult',
    CancelOrderSuccess: '../lifecycle/cancel-order.js#CancelOrderSuccessResult',
    Return: '../db/schema.js#ReturnRow',
    ReturnLine: '../returns/returns.js#ReturnLineWithOrder',
    RequestReturnSuccess: '../returns/return-results.js#ReturnSuccessResult',
    ApproveReturnSuccess: '../returns/return-results.js#ReturnSuccessResult',
    RejectReturnSuccess: '../returns/return-results.js#ReturnSuccessResult',
    ReceiveReturnSuccess: '../returns/return-results.js#ReturnSuccessResult',
    RefundReturnSuccess: '../returns/refund-flow.js#RefundReturnSuccessResult',
    LoggedEvent: '@ordergraph/shared#FeedEvent',
    Invoice: '../db/schema.js#InvoiceRow',
    InvoiceLine: '../billing/documents.js#InvoiceLineWithCurrency',
    CreditNote: '../db/schema.js#CreditNoteRow',
    CreditNoteLine: '../billing/documents.js#CreditNoteLineWithCurrency',
    BillingParty: '../db/schema.js#Party',
    OrderSearchConnection: '../search/order-search.js#OrderSearchPage',
    ExportJob: '../db/schema.js#ExportJobRow',
    ExportOrdersSuccess: '../export-jobs/start-export.js#ExportStarted',
    ExportLedgerSuccess: '../billing/ledger-export.js#ExportLedgerStarted',
  },
  inventory: {
    Warehouse: '../db/schema.js#WarehouseRow',
    StockLevel: '../inventory.repository.js#StockLevelView',
    StockMovement: '../db/schema.js#StockMovementRow',
    ProductVariant: '../inventory.js#VariantReference',
    ReceiveStockSuccess: '../inventory.js#ReceiveStockSuccessResult',
    ReserveStockSuccess: '../inventory.js#ReserveStockSuccessResult',
    AdjustStockSuccess: '../inventory.js#AdjustStockSuccessResult',
    SetLowStockThresholdSuccess: '../inventory.js#SetLowStockThresholdSuccessResult',
    Supplier: '../purchasing/tables.js#SupplierRow',
    SupplierItem: '../purchasing/suppliers.repository.js#SupplierItemView',
    PurchaseOrder: '../purchasing/tables.js#PurchaseOrderRow',
    PurchaseOrderLine: '../purchasing/purchase-orders.repository.js#PurchaseOrderLineView',
    PurchaseOrderReceipt: '../purchasing/purchase-orders.repository.js#ReceiptView',
    PurchaseOrderReceiptLine: '../purchasing/purchase-orders.repository.js#ReceiptLineView',
    ReplenishmentSuggestion: '../purchasing/replenishment.js#ReplenishmentSuggestionView',
    CreateSupplierSuccess: '../purchasing/suppliers.js#CreateSupplierSuccessResult',
    UpdateSupplierSuccess: '../purchasing/suppliers.js#UpdateSupplierSuccessResult',
    SetSupplierItemSuccess: '../purchasing/suppliers.js#SetSupplierItemSuccessResult',
    PurchaseOrderSuccess: '../purchasing/purchase-orders.js#PurchaseOrderSuccessResult',
    CreatePurchaseOrdersFromSuggestionsSuccess:
      '../purchasing/purchase-orders.js#CreatePurchaseOrdersFromSuggestionsSuccessResult',
    CreateWarehouseSuccess: "../warehouses.js#WarehouseSuccessResult<'CreateWarehouseSuccess'>",
    UpdateWarehouseSuccess: "../warehouses.js#WarehouseSuccessResult<'UpdateWarehouseSuccess'>",
    DeactivateWarehouseSuccess:
      "../warehouses.js#WarehouseSuccessResult<'DeactivateWarehouseSuccess'>",
    LoggedEvent: '@ordergraph/shared#FeedEvent',
  },
  shipments: {
    Shipment: '../db/schema.js#ShipmentRow',
    ShipmentLine: '../db/schema.js#ShipmentLineRow',
    TrackingEvent: '../db/schema.js#TrackingEventRow',
    Carrier: '../db/schema.js#CarrierRow',
    Order: '../shipments.js#OrderReference',
    ShipmentSuccess: '../shipments.js#ShipmentSuccessResult',
    CreateCarrierSuccess: "../carriers.js#CarrierSuccessResult<'CreateCarrierSuccess'>",
    UpdateCarrierSuccess: "../carriers.js#CarrierSuccessResult<'UpdateCarrierSuccess'>",
    LoggedEvent: '@ordergraph/shared#FeedEvent',
  },
};

const header =
  '// generated by `npm run codegen` from schema.graphql: do not edit\n/* eslint-disable */';

const config: CodegenConfig = {
  overwrite: true,
  generates: Object.fromEntries(
    Object.entries(subgraphs)
      .filter(([name]) => existsSync(`subgraphs/${name}/schema.graphql`))
      .map(([name, mappers]) => [
        `subgraphs/${name}/src/__generated__/resolvers-types.ts`,
        {
          schema: `subgraphs/${name}/schema.graphql`,
          plugins: [{ add: { content: header } }, 'typescript', 'typescript-resolvers'],
          config: {
            federation: true,
            useIndexSignature: true,
            contextType: '../context.js#Context',
            mappers,
            scalars: { DateTime: { input: 'string', output: 'Date | string' } },
            enumsAsTypes: true,
            useTypeImports: true,
            avoidOptionals: { field: true, inputValue: false },
            maybeValue: 'T | null',
            resolversNonOptionalTypename: { unionMember: true, interfaceImplementingType: true },
          },
        },
      ]),
  ),
};

// the API schema clients see (not the raw supergraph): what Apollo Kotlin, Apollo iOS, IDEs and
// the typed documents below generate from
const apiSchema = printSchema(apiSchemaOf(readFileSync('schema/supergraph.graphql', 'utf8')));

config.generates['schema/api.graphql'] = {
  schema: apiSchema,
  plugins: [
    {
      add: {
        content:
          '# generated by `npm run codegen` from schema/supergraph.graphql: the API schema clients see; do not edit',
      },
    },
    'schema-ast',
  ],
  config: { includeDirectives: false, commentDescriptions: false, sort: false },
};

// typed documents for frontends: schema/operations against the API schema; each document
// carries its id in schema/persisted-queries.json as __meta__.hash
config.generates['schema/client/'] = {
  schema: apiSchema,
  documents: 'schema/operations/**/*.graphql',
  preset: 'client',
  presetConfig: {
    fragmentMasking: false,
    onExecutableDocumentNode: (document: DocumentNode) => ({
      hash: operationId(normalizeOperation(print(document))),
    }),
  },
  config: {
    // NodeNext: relative imports need their extension
    importExtension: '.js',
    scalars: { DateTime: 'string' },
    enumsAsTypes: true,
    useTypeImports: true,
  },
};

export default config;
