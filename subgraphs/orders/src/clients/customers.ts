import { createServiceClient } from '@ordergraph/shared/core';

const EMAILS = `query OrdersCustomerEmails($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Customer { id email } }
}`;

/** What the orders service reads of the customers service, called as the orders service. */
export function createCustomersClient({
  url,
  signingSecret,
}: {
  url: string;
  signingSecret: string;
}) {
  const client = createServiceClient({ service: 'orders', url, signingSecret });
  return {
    /** the e-mail of each customer that exists, by id, in one call */
    async emailsOf(customerIds: readonly string[]): Promise<Map<string, string>> {
      const ids = [...new Set(customerIds)];
      if (ids.length === 0) return new Map();
      const data = await client.request<{
        _entities: ({ id: string; email: string } | null)[];
      }>({
        query: EMAILS,
        variables: { representations: ids.map((id) => ({ __typename: 'Customer', id })) },
      });
      return new Map(
        data._entities.flatMap((customer) => (customer ? [[customer.id, customer.email]] : [])),
      );
    },
  };
}

export type CustomersClient = ReturnType<typeof createCustomersClient>;
