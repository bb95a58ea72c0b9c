/**
 * The events order-service writes to topic `orders` and reads from topic `billing`.
 *
 * Every event is the JSON value of one record keyed by its `orderId`, so all events of one order
 * land in one partition and are read in the order they were written. `seq` numbers the events of
 * one order on one topic from 1 with no gaps: a reader that sees `seq` other than the last + 1 has
 * seen the order's events out of order (or lost one). `eventId` is unique per event; a reader
 * that sees an `eventId` twice is looking at a redelivery and must not count it again.
 */

/** Topic of the order events; 6 partitions, keyed by order id. */
export const ORDERS_TOPIC = 'orders';
/** Topic of the billing events, written by billing-service; 6 partitions, keyed by order id. */
export const BILLING_TOPIC = 'billing';
/** Partitions of both topics when this service creates them. */
export const TOPIC_PARTITIONS = 6;
/** The consumer group in which order-service reads `billing`. */
export const ORDER_SERVICE_GROUP = 'order-service';
/** The request-reply pattern billing-service answers with a price. */
export const BILLING_QUOTE_PATTERN = 'billing.quote';

export interface OrderItem {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

interface EventEnvelope<T extends string> {
  readonly type: T;
  readonly eventId: string;
  readonly orderId: string;
  readonly seq: number;
}

export interface OrderCreated extends EventEnvelope<'OrderCreated'> {
  readonly customerId: string;
  readonly items: readonly OrderItem[];
  readonly total: number;
}
export type OrderPaid = EventEnvelope<'OrderPaid'>;
export type OrderCancelled = EventEnvelope<'OrderCancelled'>;
export type OrderEvent = OrderCreated | OrderPaid | OrderCancelled;

export interface InvoiceIssued extends EventEnvelope<'InvoiceIssued'> {
  readonly amount: number;
}
export type PaymentCaptured = EventEnvelope<'PaymentCaptured'> & { readonly amount: number };
export type InvoiceVoided = EventEnvelope<'InvoiceVoided'>;
export type BillingEvent = InvoiceIssued | PaymentCaptured | InvoiceVoided;

/** The request of `billing.quote`, and its reply. */
export interface QuoteRequest {
  readonly customerId: string;
  readonly items: readonly OrderItem[];
}
export interface QuoteReply {
  readonly total: number;
}

const ORDER_EVENT_TYPES = new Set(['OrderCreated', 'OrderPaid', 'OrderCancelled']);
const BILLING_EVENT_TYPES = new Set(['InvoiceIssued', 'PaymentCaptured', 'InvoiceVoided']);

function hasEnvelope(value: unknown, types: ReadonlySet<string>): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { type, eventId, orderId, seq } = value as Record<string, unknown>;
  return (
    typeof type === 'string' &&
    types.has(type) &&
    typeof eventId === 'string' &&
    typeof orderId === 'string' &&
    Number.isInteger(seq) &&
    (seq as number) >= 1
  );
}

export function isOrderEvent(value: unknown): value is OrderEvent {
  return hasEnvelope(value, ORDER_EVENT_TYPES);
}

export function isBillingEvent(value: unknown): value is BillingEvent {
  return hasEnvelope(value, BILLING_EVENT_TYPES);
}
