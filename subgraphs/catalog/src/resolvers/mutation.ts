import {
  appendEvent,
  catalogEvents,
  forbidden,
  hasRole,
  withIdempotency,
} from '@ordergraph/shared';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { skuTaken, validateNewProduct } from '../catalog.js';
import { createCatalogRepository, SkuTakenError } from '../catalog.repository.js';
import { redeemPromoCode, releasePromoCode } from '../redemptions.js';

export const Mutation: MutationResolvers = {
  createProduct: async (_parent, { input }, { viewer, db }) => {
    if (!hasRole(viewer, 'staff', 'admin'))
      throw forbidden('Only staff may add products to the catalog.');
    const product = validateNewProduct(input);
    if ('__typename' in product) return product;
    try {
      return await withIdempotency(db, {
        scope: `createProduct:${viewer.subject ?? 'anonymous'}`,
        key: input.idempotencyKey,
        input,
        run: async (tx) => {
          const catalog = createCatalogRepository({ db: tx });
          const skus = product.variants.map((variant) => variant.sku);
          const [taken] = await catalog.findVariantsBySkus(skus);
          if (taken) return skuTaken(taken.sku);
          const created = await catalog.insertProduct(product);
          await appendEvent(
            tx,
            catalogEvents.event({
              streamType: 'product',
              streamId: created.id,
              type: 'product.created',
              payload: { productId: created.id, skus },
            }),
          );
          return { __typename: 'CreateProductSuccess', productId: created.id };
        },
      });
    } catch (error) {
      // a concurrent createProduct took the SKU between our check and our insert
      if (error instanceof SkuTakenError) return skuTaken(error.sku);
      throw error;
    }
  },

  // internal: the orders service redeems a code while placing an order, and releases it
  // when the order fails afterwards
  redeemPromoCode: (_parent, { input }, { viewer, db }) => {
    if (!hasRole(viewer, 'service'))
      throw forbidden('Only internal services may redeem promo codes.');
    return redeemPromoCode(db, input);
  },

  releasePromoCode: (_parent, { input }, { viewer, db }) => {
    if (!hasRole(viewer, 'service'))
      throw forbidden('Only internal services may release promo codes.');
    return releasePromoCode(db, input);
  },
};
