import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { codedError, invalidInput } from '@ordergraph/shared';
import type { Claim, OrderRequestsRepository, SagaProgress } from './order-requests.repository.js';
import type { PlaceOrderOutcome } from './place-order-inputs.js';

export interface ClaimTiming {
  /** how often a twin request looks whether the first one has finished */
  pollIntervalMs?: number;
  /** how long a twin request waits before giving up */
  waitTimeoutMs?: number;
  /** after how long a PENDING claim counts as abandoned and may be taken over */
  staleAfterMs?: number;
}

/**
 * Claims an idempotency key for a placeOrder saga, or returns the result of the request that
 * holds it: at once when it has completed, after waiting while it runs. A key reused with
 * another input is an InvalidInputError.
 */
export async function claimOrAwait(
  requests: OrderRequestsRepository,
  {
    scope,
    key,
    requestHash,
    pollIntervalMs = 50,
    waitTimeoutMs = 15_000,
    staleAfterMs = 120_000,
  }: { scope: string; key: string; requestHash: string } & ClaimTiming,
): Promise<{ claim: Claim; progress: SagaProgress } | { result: PlaceOrderOutcome }> {
  const deadline = Date.now() + waitTimeoutMs;
  for (;;) {
    const claim = { scope, key, attempt: randomUUID(), orderId: randomUUID() };
    if (await requests.claim({ ...claim, requestHash })) {
      return { claim, progress: { steps: [], authorizationId: null } };
    }
    const held = await requests.find({ scope, key });
    // released by a failed attempt in between: try to claim it again
    if (!held) continue;
    if (held.requestHash !== requestHash) {
      return {
        result: invalidInput(
          'This idempotencyKey was already used with a different input.',
          'idempotencyKey',
        ),
      };
    }
    if (held.status === 'COMPLETED') {
      // written by completeClaim for this scope, so it has the shape of an outcome
      return { result: held.result as PlaceOrderOutcome };
    }
    if (held.claimedAt.getTime() < Date.now() - staleAfterMs) {
      const taken = await requests.takeOver({ scope, key, attempt: claim.attempt, staleAfterMs });
      if (taken) {
        const { steps, authorizationId, ...takenClaim } = taken;
        // the attempt that took over goes on from the steps recorded, under the same ids
        return { claim: takenClaim, progress: { steps, authorizationId } };
      }
    }
    if (Date.now() > deadline) {
      throw codedError(
        'SERVICE_UNAVAILABLE',
        'An earlier request with this idempotencyKey is still being processed; retry later.',
      );
    }
    await sleep(pollIntervalMs);
  }
}
