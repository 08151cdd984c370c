import { createServiceClient } from '@ordergraph/shared';

const CANCEL = `mutation OrdersCancelShipments($input: CancelOrderShipmentsInput!) {
  cancelOrderShipments(input: $input)
}`;

/** The shipments service's side of cancelling an order, called as the orders service. */
export function createShipmentsClient({
  url,
  signingSecret,
}: {
  url: string;
  signingSecret: string;
}) {
  const client = createServiceClient({ service: 'orders', url, signingSecret });
  return {
    /**
     * Cancels every shipment of the order unless one has shipped: true when nothing had shipped
     * (the shipments are cancelled now, and none will be made later), false when something had
     * (nothing changed). Idempotent.
     */
    async cancelOrderShipments(input: { orderId: string }, requestId?: string): Promise<boolean> {
      const data = await client.request<{ cancelOrderShipments: boolean }>({
        query: CANCEL,
        variables: { input },
        requestId,
      });
      return data.cancelOrderShipments;
    },
  };
}

export type ShipmentsClient = ReturnType<typeof createShipmentsClient>;
