import { createServiceClient } from '@ordergraph/shared';
import type { InvalidInput } from '@ordergraph/shared';
import type { InvalidPromoCode, UnknownSku } from '../placing/place-order-inputs.js';
import type { Quote } from '../placing/pricing.js';

const MONEY = 'amount currencyCode';

const QUOTE = `query OrdersQuote($input: QuoteInput!) {
  quote(input: $input) {
    __typename
    ... on Quote {
      lines { sku quantity unitPrice { ${MONEY} } total { ${MONEY} } }
      subtotal { ${MONEY} } discountTotal { ${MONEY} } shippingTotal { ${MONEY} }
      taxTotal { ${MONEY} } total { ${MONEY} } promoCode
    }
    ... on UnknownSkuError { message sku }
    ... on InvalidInputError { message field }
    ... on InvalidPromoCodeError { message code rejection }
  }
}`;

const REDEEM = `mutation OrdersRedeemPromoCode($input: RedeemPromoCodeInput!) {
  redeemPromoCode(input: $input) {
    __typename
    ... on RedeemPromoCodeSuccess { code }
    ... on InvalidPromoCodeError { message code rejection }
  }
}`;

const RELEASE = `mutation OrdersReleasePromoCode($input: ReleasePromoCodeInput!) {
  releasePromoCode(input: $input)
}`;

export type QuoteResult =
  ({ __typename: 'Quote' } & Quote) | UnknownSku | InvalidInput | InvalidPromoCode;

export type RedeemResult =
  { __typename: 'RedeemPromoCodeSuccess'; code: string } | InvalidPromoCode;

/** The catalog's pricing and promo code redemption, called as the orders service. */
export function createCatalogClient({
  url,
  signingSecret,
}: {
  url: string;
  signingSecret: string;
}) {
  const client = createServiceClient({ service: 'orders', url, signingSecret });
  return {
    async quote(
      input: {
        lines: { sku: string; quantity: number }[];
        promoCode: string | null;
        shippingCountry: string;
      },
      requestId?: string,
    ): Promise<QuoteResult> {
      const data = await client.request<{ quote: QuoteResult }>({
        query: QUOTE,
        variables: { input },
        requestId,
      });
      return data.quote;
    },

    async redeemPromoCode(
      input: { code: string; redemptionKey: string },
      requestId?: string,
    ): Promise<RedeemResult> {
      const data = await client.request<{ redeemPromoCode: RedeemResult }>({
        query: REDEEM,
        variables: { input },
        requestId,
      });
      return data.redeemPromoCode;
    },

    async releasePromoCode(input: { redemptionKey: string }, requestId?: string): Promise<boolean> {
      const data = await client.request<{ releasePromoCode: boolean }>({
        query: RELEASE,
        variables: { input },
        requestId,
      });
      return data.releasePromoCode;
    },
  };
}

export type CatalogClient = ReturnType<typeof createCatalogClient>;
