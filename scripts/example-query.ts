/** The smoke test's query: one order query that spans all five subgraphs. */
export const EXAMPLE_QUERY = /* GraphQL */ `
  query MyRecentOrders {
    me {
      name
      orders(first: 2) {
        nodes {
          number
          status
          total {
            amount
            currencyCode
          }
          lines {
            quantity
            variant {
              sku
              name
              price {
                amount
                currencyCode
              }
              available
            }
          }
          shipments {
            status
            trackingNumber
          }
        }
      }
    }
  }
`;
