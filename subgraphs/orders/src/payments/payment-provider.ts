/** What an authorization asks the provider for; amounts are integer minor units. */
export interface AuthorizeRequest {
  /** the customer's payment method token, as the provider issued it */
  token: string;
  amountMinor: number;
  currency: string;
  /** the provider returns the first answer again for a repeated key */
  idempotencyKey: string;
}

export type AuthorizeResult =
  { status: 'authorized'; authorizationId: string } | { status: 'declined'; reason: string };

export type CaptureResult =
  { status: 'captured'; captureId: string } | { status: 'failed'; reason: string };

export type RefundResult =
  { status: 'refunded'; refundId: string } | { status: 'failed'; reason: string };

/**
 * The edge between orders and a payment service provider. Declines are results; a provider
 * that cannot be reached throws. Every call is idempotent by its `idempotencyKey`. Never call it
 * inside a database transaction: it may take seconds, and the test provider keeps its records in
 * this service's database (a single connection with PGlite).
 */
export interface PaymentProvider {
  /** the provider's name, stored with each payment */
  readonly name: string;
  /** holds the amount on the payment method without taking it */
  authorize(request: AuthorizeRequest): Promise<AuthorizeResult>;
  /** takes (part of) an authorized amount */
  capture(request: {
    authorizationId: string;
    amountMinor: number;
    idempotencyKey: string;
  }): Promise<CaptureResult>;
  /**
   * the id of the authorization a call with this key made, null when it made none: how an
   * authorization whose answer was lost (the caller died) is found, to be voided
   */
  authorizationFor(request: { idempotencyKey: string }): Promise<string | null>;
  /** releases an authorization that was not captured; voiding twice is harmless */
  void(request: { authorizationId: string; idempotencyKey: string }): Promise<void>;
  /** pays back (part of) a captured amount */
  refund(request: {
    captureId: string;
    amountMinor: number;
    idempotencyKey: string;
  }): Promise<RefundResult>;
}
