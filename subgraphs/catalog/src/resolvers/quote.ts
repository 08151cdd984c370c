import { toMoney } from '@ordergraph/shared';
import type { QuoteLineResolvers, QuoteResolvers } from '../__generated__/resolvers-types.js';

export const Quote: QuoteResolvers = {
  subtotal: (quote) => toMoney(quote.subtotal, quote.currency),
  discountTotal: (quote) => toMoney(quote.discountTotal, quote.currency),
  shippingTotal: (quote) => toMoney(quote.shippingTotal, quote.currency),
  taxTotal: (quote) => toMoney(quote.taxTotal, quote.currency),
  total: (quote) => toMoney(quote.total, quote.currency),
};

export const QuoteLine: QuoteLineResolvers = {
  unitPrice: (line) => toMoney(line.unitPrice, line.currency),
  total: (line) => toMoney(line.total, line.currency),
  // the quote loaded these variants already; the loader answers from its cache
  variant: async (line, _args, { loaders }) => (await loaders.variantBySku.load(line.sku))!,
};
