/**
 * The events billing-service reads from topic `orders` and writes to topic `billing`.
 *
 * Every event is the JSON value of one record keyed by its `orderId`: the events of one order sit
 * in one partition, in the order they were written. `seq` numbers the events of one order on one
 * topic from 1 with no gaps; `eventId` is unique per event, so a redelivered event is recognised.
 * Both topics have the same partition count and keys, so an order's billing events sit in the
 * partition of `billing` with the number of its partition of `orders` (Kafka's co-partitioning):
 * the member that owns `orders` partition p finds everything billed for those orders in `billing` p.
 */

/** Topic of the order events, written by order-service; 6 partitions, keyed by order id. */
export const ORDERS_TOPIC = 'orders';
/** Topic of the billing events; 6 partitions, keyed by order id. */
export const BILLING_TOPIC = 'billing';
/** Partitions of both topics when this service creates them. */
export const TOPIC_PARTITIONS = 6;
/** The group that bills: an invoice per order, captures and voids. */
export const BILLING_GROUP = 'billing-service';
/** The second, independent group on `orders`: records every event it sees. */
export const AUDIT_GROUP = 'billing-audit';
/** The request-reply pattern this service answers with a price. */
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

/**
 * Every billing event answers exactly one order event, named by `causationId`; its own `eventId`
 * is derived from that cause, so an event written again after a crash carries the same id.
 */
interface BillingEnvelope<T extends string> extends EventEnvelope<T> {
  readonly causationId: string;
}
export interface InvoiceIssued extends BillingEnvelope<'InvoiceIssued'> {
  readonly amount: number;
}
export interface PaymentCaptured extends BillingEnvelope<'PaymentCaptured'> {
  readonly amount: number;
}
export type InvoiceVoided = BillingEnvelope<'InvoiceVoided'>;
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
  return hasEnvelope(value, BILLING_EVENT_TYPES) && typeof (value as BillingEvent).causationId === 'string';
}

/** The id of the billing event that answers the order event `causationId`. */
export function billingEventId(causationId: string): string {
  return `billing:${causationId}`;
}
