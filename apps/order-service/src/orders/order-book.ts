import type {
  BillingEvent,
  OrderCancelled,
  OrderCreated,
  OrderEvent,
  OrderItem,
  OrderPaid,
} from '../events.js';
import { OrderNotFoundError, TransitionNotAllowedError } from './order-errors.js';
import {
  CANCELLABLE_FROM,
  ORDER_STATUSES,
  type OrderStatus,
  PAYABLE_FROM,
  statusOf,
} from './order-status.js';

/** An order as the HTTP API shows it. */
export interface OrderView {
  readonly id: string;
  readonly customerId: string;
  readonly items: readonly OrderItem[];
  readonly total: number;
  readonly status: OrderStatus;
}

interface OrderRecord {
  created?: OrderCreated;
  /** `seq` of the last order event applied: the next one the book decides gets `seq + 1`. */
  seq: number;
  invoiced: boolean;
  paid: boolean;
  captured: boolean;
  cancelled: boolean;
}

/**
 * The orders, as the `orders` and `billing` topics describe them. Pure: no I/O, ids from the
 * injected `newEventId`.
 *
 * Deciding and applying are separate steps, so that the log stays the source of truth: `create`,
 * `pay` and `cancel` check the rules and return the event to write without changing anything; the
 * caller writes it and applies it once the broker has acknowledged it, the same way replay at
 * start applies it. The caller must not decide twice for one order before applying the first
 * decision (order-service serializes each order's requests), or both decisions would get one `seq`.
 *
 * Applying is idempotent by `eventId`, and the facts of the two topics are kept apart, so events
 * may arrive in any order between the topics (a billing event before its OrderCreated has been
 * applied, a pay before the invoice) and still give one status.
 */
export class OrderBook {
  private readonly orders = new Map<string, OrderRecord>();
  private readonly applied = new Set<string>();
  private billingApplied = 0;

  constructor(private readonly newEventId: () => string) {}

  create(orderId: string, customerId: string, items: readonly OrderItem[], total: number): OrderCreated {
    if (this.orders.get(orderId)?.created) throw new Error(`order '${orderId}' exists already`);
    return { type: 'OrderCreated', eventId: this.newEventId(), orderId, seq: 1, customerId, items, total };
  }

  pay(orderId: string): OrderPaid {
    const record = this.transition(orderId, 'pay', PAYABLE_FROM);
    return { type: 'OrderPaid', eventId: this.newEventId(), orderId, seq: record.seq + 1 };
  }

  cancel(orderId: string): OrderCancelled {
    const record = this.transition(orderId, 'cancel', CANCELLABLE_FROM);
    return { type: 'OrderCancelled', eventId: this.newEventId(), orderId, seq: record.seq + 1 };
  }

  /** Applies an event of topic `orders`; false when this `eventId` was applied before. */
  applyOrderEvent(event: OrderEvent): boolean {
    if (!this.firstTime(event.eventId)) return false;
    const record = this.record(event.orderId);
    record.seq = Math.max(record.seq, event.seq);
    if (event.type === 'OrderCreated') record.created = event;
    else if (event.type === 'OrderPaid') record.paid = true;
    else record.cancelled = true;
    return true;
  }

  /** Applies an event of topic `billing`; false when this `eventId` was applied before. */
  applyBillingEvent(event: BillingEvent): boolean {
    if (!this.firstTime(event.eventId)) return false;
    this.billingApplied += 1;
    const record = this.record(event.orderId);
    if (event.type === 'InvoiceIssued') record.invoiced = true;
    else if (event.type === 'PaymentCaptured') record.captured = true;
    return true;
  }

  get(orderId: string): OrderView {
    const record = this.orders.get(orderId);
    if (!record?.created) throw new OrderNotFoundError(orderId);
    return viewOf(record, record.created);
  }

  list(): OrderView[] {
    return [...this.orders.values()].flatMap((r) => (r.created ? [viewOf(r, r.created)] : []));
  }

  /** How many orders are in each status (every status present, 0 when none). */
  countByStatus(): Record<OrderStatus, number> {
    const counts = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0])) as Record<OrderStatus, number>;
    for (const order of this.list()) counts[order.status] += 1;
    return counts;
  }

  /** Distinct billing events applied: what group `order-service` has seen of topic `billing`. */
  get billingEventsSeen(): number {
    return this.billingApplied;
  }

  private transition(
    orderId: string,
    action: 'pay' | 'cancel',
    allowedFrom: readonly OrderStatus[],
  ): OrderRecord {
    const record = this.orders.get(orderId);
    if (!record?.created) throw new OrderNotFoundError(orderId);
    const status = statusOf(record);
    if (!allowedFrom.includes(status))
      throw new TransitionNotAllowedError(orderId, action, status, allowedFrom);
    return record;
  }

  private record(orderId: string): OrderRecord {
    let record = this.orders.get(orderId);
    if (!record) {
      record = { seq: 0, invoiced: false, paid: false, captured: false, cancelled: false };
      this.orders.set(orderId, record);
    }
    return record;
  }

  private firstTime(eventId: string): boolean {
    if (this.applied.has(eventId)) return false;
    this.applied.add(eventId);
    return true;
  }
}

function viewOf(record: OrderRecord, created: OrderCreated): OrderView {
  return {
    id: created.orderId,
    customerId: created.customerId,
    items: created.items,
    total: created.total,
    status: statusOf(record),
  };
}
