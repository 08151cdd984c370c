import { viewers } from '@ordergraph/shared/testing';
import type { Testbed } from './helpers.js';

export const CREATE_SUPPLIER = `mutation($input: CreateSupplierInput!) { createSupplier(input: $input) {
  __typename
  ... on CreateSupplierSuccess { supplier { id name contactEmail currencyCode leadTimeDays active } }
  ... on InvalidInputError { message field } } }`;

export const UPDATE_SUPPLIER = `mutation($input: UpdateSupplierInput!) { updateSupplier(input: $input) {
  __typename
  ... on UpdateSupplierSuccess { supplier { id name contactEmail currencyCode leadTimeDays active } }
  ... on SupplierNotFoundError { message supplierId }
  ... on InvalidInputError { message field } } }`;

export const SET_SUPPLIER_ITEM = `mutation($input: SetSupplierItemInput!) { setSupplierItem(input: $input) {
  __typename
  ... on SetSupplierItemSuccess { item {
    sku supplierSku unitCost { amount currencyCode } minimumOrderQuantity packSize leadTimeDays
    supplier { id } } }
  ... on SupplierNotFoundError { message supplierId }
  ... on UnknownSkuError { message sku }
  ... on InvalidInputError { message field } } }`;

const ORDER_FIELDS = `id status supplier { id } warehouse { id }
  lines { sku supplierSku quantity received damaged outstanding unitCost { amount currencyCode }
    total { amount currencyCode } leadTimeDays }
  total { amount currencyCode } receivedTotal { amount currencyCode }
  expectedAt submittedAt receivedAt cancelledAt cancelReason createdBy`;

const PURCHASE_ORDER_RESULT = `
  __typename
  ... on PurchaseOrderSuccess {
    purchaseOrder { ${ORDER_FIELDS} }
    receipt { lines { sku quantity damaged total { amount currencyCode } } total { amount currencyCode } receivedBy }
  }
  ... on PurchaseOrderNotFoundError { message purchaseOrderId }
  ... on SupplierNotFoundError { message supplierId }
  ... on PurchaseOrderStatusError { message purchaseOrderId status }
  ... on SkuNotSuppliedError { message sku supplierId }
  ... on OverReceiptError { message sku ordered received requested allowed }
  ... on InvalidInputError { message field }`;

export const CREATE_PURCHASE_ORDER = `mutation($input: CreatePurchaseOrderInput!) {
  createPurchaseOrder(input: $input) { ${PURCHASE_ORDER_RESULT} } }`;

export const UPDATE_PURCHASE_ORDER_LINES = `mutation($input: UpdatePurchaseOrderLinesInput!) {
  updatePurchaseOrderLines(input: $input) { ${PURCHASE_ORDER_RESULT} } }`;

export const SUBMIT_PURCHASE_ORDER = `mutation($input: PurchaseOrderActionInput!) {
  submitPurchaseOrder(input: $input) { ${PURCHASE_ORDER_RESULT} } }`;

export const RECEIVE_PURCHASE_ORDER = `mutation($input: ReceivePurchaseOrderInput!) {
  receivePurchaseOrder(input: $input) { ${PURCHASE_ORDER_RESULT} } }`;

export const CANCEL_PURCHASE_ORDER = `mutation($input: CancelPurchaseOrderInput!) {
  cancelPurchaseOrder(input: $input) { ${PURCHASE_ORDER_RESULT} } }`;

export const CREATE_FROM_SUGGESTIONS = `mutation($input: CreatePurchaseOrdersFromSuggestionsInput!) {
  createPurchaseOrdersFromSuggestions(input: $input) {
    __typename
    ... on CreatePurchaseOrdersFromSuggestionsSuccess { purchaseOrders { ${ORDER_FIELDS} } }
    ... on InvalidInputError { message field } } }`;

let keys = 0;
/** a fresh idempotency key */
export const key = (prefix = 'k') => `${prefix}-${++keys}`;

/** Creates a supplier as staff and returns its id. */
export async function createSupplier(
  testbed: Testbed,
  input: { name: string; currencyCode?: string; leadTimeDays?: number },
): Promise<string> {
  const response = await testbed.request(CREATE_SUPPLIER, {
    viewer: viewers.staff(),
    variables: {
      input: {
        contactEmail: 'orders@example.com',
        currencyCode: 'USD',
        leadTimeDays: 7,
        ...input,
        idempotencyKey: key('supplier'),
      },
    },
  });
  const supplier = response.data?.createSupplier.supplier;
  if (!supplier) throw new Error(`creating a supplier failed: ${JSON.stringify(response)}`);
  return supplier.id;
}

/** Records a supplier's terms for a SKU as staff. */
export async function setItem(
  testbed: Testbed,
  input: {
    supplierId: string;
    sku: string;
    unitCost: string;
    currencyCode?: string;
    minimumOrderQuantity?: number;
    packSize?: number;
    leadTimeDays?: number | null;
  },
): Promise<void> {
  const { unitCost, currencyCode = 'USD', ...rest } = input;
  const response = await testbed.request(SET_SUPPLIER_ITEM, {
    viewer: viewers.staff(),
    variables: {
      input: {
        supplierSku: `S-${input.sku}`,
        minimumOrderQuantity: 1,
        packSize: 1,
        ...rest,
        unitCost: { amount: unitCost, currencyCode },
        idempotencyKey: key('item'),
      },
    },
  });
  if (response.data?.setSupplierItem.__typename !== 'SetSupplierItemSuccess') {
    throw new Error(`setting a supplier item failed: ${JSON.stringify(response)}`);
  }
}

/** Sends a purchase order mutation as `viewer` (staff by default) and returns its result. */
export async function purchaseOrderMutation(
  testbed: Testbed,
  document: string,
  input: Record<string, unknown>,
  viewer = viewers.staff(),
) {
  const response = await testbed.request(document, { viewer, variables: { input } });
  const field = Object.keys(response.data ?? {})[0];
  if (!field) throw new Error(`no result: ${JSON.stringify(response)}`);
  return response.data![field];
}

/** Creates and submits a purchase order as staff; returns its id. */
export async function submittedOrder(
  testbed: Testbed,
  input: { supplierId: string; warehouseId: string; lines: { sku: string; quantity: number }[] },
): Promise<string> {
  const created = await purchaseOrderMutation(testbed, CREATE_PURCHASE_ORDER, {
    ...input,
    idempotencyKey: key('po'),
  });
  const id = created.purchaseOrder?.id;
  if (!id) throw new Error(`creating a purchase order failed: ${JSON.stringify(created)}`);
  const submitted = await purchaseOrderMutation(testbed, SUBMIT_PURCHASE_ORDER, {
    purchaseOrderId: id,
    idempotencyKey: key('submit'),
  });
  if (submitted.purchaseOrder?.status !== 'SUBMITTED') {
    throw new Error(`submitting failed: ${JSON.stringify(submitted)}`);
  }
  return id;
}
