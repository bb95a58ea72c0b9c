/** Billing did not quote a price (no answer in time, or an error reply): `POST /orders` answers 503. */
export class QuoteUnavailableError extends Error {
  override readonly name = 'QuoteUnavailableError';
  constructor(reason: string, options?: ErrorOptions) {
    super(`billing did not quote the order: ${reason}`, options);
  }
}
