import { DateTimeScalar } from '@ordergraph/shared';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import {
  BillingParty,
  BillingQuery,
  CreditNote,
  CreditNoteLine,
  Invoice,
  InvoiceLine,
  OrderBilling,
} from './billing.js';
import { Customer } from './customer.js';
import { ExportLedgerSuccess, LedgerMutation } from './ledger.js';
import { CancelMutation, CancelOrderSuccess, OrderLifecycle } from './lifecycle.js';
import { Mutation } from './mutation.js';
import { AddOrderNoteSuccess, NoteMutation, OrderNote, OrderNotes } from './notes.js';
import { Order, OrderEvent, OrderLine } from './order.js';
import { Query } from './query.js';
import { PlaceOrderSuccess } from './results.js';
import {
  ApproveReturnSuccess,
  OrderReturns,
  ReceiveReturnSuccess,
  RefundReturnSuccess,
  RejectReturnSuccess,
  RequestReturnSuccess,
  Return,
  ReturnLine,
  ReturnQuery,
} from './returns.js';
import { ReturnMutation } from './returns-mutation.js';
import { Subscription } from './subscription.js';
import { OrderSearchConnection, SearchQuery } from './search.js';
import {
  ExportJob,
  ExportMutation,
  ExportOrdersSuccess,
  ExportQuery,
  ExportSubscription,
} from './exports.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: { ...Query, ...ReturnQuery, ...SearchQuery, ...ExportQuery, ...BillingQuery },
  Mutation: {
    ...Mutation,
    ...CancelMutation,
    ...ReturnMutation,
    ...ExportMutation,
    ...LedgerMutation,
    ...NoteMutation,
  },
  Subscription: { ...Subscription, ...ExportSubscription },
  OrderSearchConnection,
  ExportJob,
  ExportOrdersSuccess,
  ExportLedgerSuccess,
  Order: { ...Order, ...OrderLifecycle, ...OrderReturns, ...OrderBilling, ...OrderNotes },
  OrderLine,
  OrderEvent,
  Customer,
  PlaceOrderSuccess,
  OrderNote,
  AddOrderNoteSuccess,
  CancelOrderSuccess,
  Return,
  ReturnLine,
  RequestReturnSuccess,
  ApproveReturnSuccess,
  RejectReturnSuccess,
  ReceiveReturnSuccess,
  RefundReturnSuccess,
  Invoice,
  InvoiceLine,
  CreditNote,
  CreditNoteLine,
  BillingParty,
};
