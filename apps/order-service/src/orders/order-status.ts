/**
 * An order's status, derived from the facts known about it rather than stepped through, so that
 * it does not depend on the order in which the two topics' events arrive:
 *
 *   created --InvoiceIssued--> invoiced --pay--> paid --PaymentCaptured--> settled
 *   created --pay--> paid (the invoice may come later; the order still ends settled)
 *   created | invoiced --cancel--> cancelled
 *
 * Precedence: cancelled, then settled, then paid, then invoiced, then created.
 */
export type OrderStatus = 'created' | 'invoiced' | 'paid' | 'settled' | 'cancelled';

export const ORDER_STATUSES: readonly OrderStatus[] = ['created', 'invoiced', 'paid', 'settled', 'cancelled'];

/** What the two topics have said about one order so far. */
export interface OrderFacts {
  readonly invoiced: boolean;
  readonly paid: boolean;
  readonly captured: boolean;
  readonly cancelled: boolean;
}

export function statusOf({ invoiced, paid, captured, cancelled }: OrderFacts): OrderStatus {
  if (cancelled) return 'cancelled';
  if (captured) return 'settled';
  if (paid) return 'paid';
  if (invoiced) return 'invoiced';
  return 'created';
}

/** The statuses from which an order may be paid or cancelled. */
export const PAYABLE_FROM: readonly OrderStatus[] = ['created', 'invoiced'];
export const CANCELLABLE_FROM: readonly OrderStatus[] = ['created', 'invoiced'];
