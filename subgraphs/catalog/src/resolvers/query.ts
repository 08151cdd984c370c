import { badUserInput, pageArgs, toConnection } from '@ordergraph/shared';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { isProductCursor } from '../catalog.repository.js';
import { DEFAULT_COUNTRY, normaliseSku, priceBasket, readBasket } from '../pricing.js';
import { normalisePromoCode } from '../promotions.js';
import type { VariantRow } from '../db/schema.js';

export const Query: QueryResolvers = {
  products: async (_parent, args, { catalog }) => {
    const { limit, after } = pageArgs<unknown>(args);
    if (after !== null && !isProductCursor(after))
      throw badUserInput('"after" is not a valid cursor.', 'after');
    const rows = await catalog.listProducts({
      limit: limit + 1,
      after,
      search: args.search,
      category: args.category,
    });
    return toConnection(rows, { limit, cursorOf: (row) => ({ name: row.name, id: row.id }) });
  },

  product: (_parent, { id }, { loaders }) => loaders.productById.load(id),

  variant: (_parent, { sku }, { loaders }) => loaders.variantBySku.load(normaliseSku(sku)),

  categories: (_parent, _args, { catalog }) => catalog.listCategories(),

  quote: async (_parent, { input }, { loaders, pricing }) => {
    const basket = readBasket(input);
    if ('__typename' in basket) return basket;
    const country = basket.shippingCountry;
    const [found, promotion, shippingRates, taxBasisPoints] = await Promise.all([
      loaders.variantBySku.loadMany(basket.lines.map((line) => line.sku)),
      basket.promoCode ? pricing.findPromotion(normalisePromoCode(basket.promoCode)) : null,
      pricing.findShippingRates(country ? [country, DEFAULT_COUNTRY] : [DEFAULT_COUNTRY]),
      country ? pricing.findTaxBasisPoints(country) : null,
    ]);
    const failure = found.find((row) => row instanceof Error);
    if (failure) throw failure;
    const variants = new Map(
      found.filter((row): row is VariantRow => row !== null).map((row) => [row.sku, row]),
    );
    return priceBasket({
      basket,
      variants,
      promotion,
      shippingRates,
      taxBasisPoints,
      now: new Date(),
    });
  },
};
