import { createServiceClient } from '@ordergraph/shared';
import type { InvalidInput } from '@ordergraph/shared';
import type { InsufficientStock } from '../placing/place-order-inputs.js';
import type { StockAllocation } from '../placing/pricing.js';

const RESERVE = `mutation OrdersReserveStock($input: ReserveStockInput!) {
  reserveStock(input: $input) {
    __typename
    ... on ReserveStockSuccess { reservationId allocations { sku warehouseId quantity } }
    ... on InsufficientStockError { message sku requested available }
    ... on InvalidInputError { message field }
  }
}`;

const RELEASE = `mutation OrdersReleaseReservation($input: ReleaseReservationInput!) {
  releaseReservation(input: $input)
}`;

const CONFIRM = `mutation OrdersConfirmReservation($input: ConfirmReservationInput!) {
  confirmReservation(input: $input)
}`;

const RESTOCK_RETURN = `mutation OrdersRestockReturn($input: RestockReturnInput!) {
  restockReturn(input: $input)
}`;

const WAREHOUSES = `query OrdersWarehouses { warehouses { id code active } }`;

export type ReserveResult =
  | { __typename: 'ReserveStockSuccess'; reservationId: string; allocations: StockAllocation[] }
  | InsufficientStock
  | InvalidInput;

/** The inventory's stock reservations and warehouses, called as the orders service. */
export function createInventoryClient({
  url,
  signingSecret,
}: {
  url: string;
  signingSecret: string;
}) {
  const client = createServiceClient({ service: 'orders', url, signingSecret });
  return {
    async reserveStock(
      input: { reservationId: string; lines: { sku: string; quantity: number }[] },
      requestId?: string,
    ): Promise<ReserveResult> {
      const data = await client.request<{ reserveStock: ReserveResult }>({
        query: RESERVE,
        variables: { input },
        requestId,
      });
      return data.reserveStock;
    },

    async releaseReservation(
      input: { reservationId: string },
      requestId?: string,
    ): Promise<boolean> {
      const data = await client.request<{ releaseReservation: boolean }>({
        query: RELEASE,
        variables: { input },
        requestId,
      });
      return data.releaseReservation;
    },

    /**
     * Tells the inventory the reservation belongs to a placed order, so it is never let go for
     * want of one: true when it holds (or shipped) its stock, false when it was released first.
     * Idempotent.
     */
    async confirmReservation(
      input: { reservationId: string },
      requestId?: string,
    ): Promise<boolean> {
      const data = await client.request<{ confirmReservation: boolean }>({
        query: CONFIRM,
        variables: { input },
        requestId,
      });
      return data.confirmReservation;
    },

    /** every warehouse's id, short code and whether it is active (takes units in) */
    async warehouses(): Promise<{ id: string; code: string; active: boolean }[]> {
      const data = await client.request<{
        warehouses: { id: string; code: string; active: boolean }[];
      }>({ query: WAREHOUSES });
      return data.warehouses;
    },

    /** puts a received return's units back into a warehouse's stock; idempotent per warehouse */
    async restockReturn(
      input: { returnId: string; warehouseId: string; lines: { sku: string; quantity: number }[] },
      requestId?: string,
    ): Promise<boolean> {
      const data = await client.request<{ restockReturn: boolean }>({
        query: RESTOCK_RETURN,
        variables: { input },
        requestId,
      });
      return data.restockReturn;
    },
  };
}

export type InventoryClient = ReturnType<typeof createInventoryClient>;
