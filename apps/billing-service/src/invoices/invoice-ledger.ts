import {
  type BillingEvent,
  billingEventId,
  type InvoiceIssued,
  type InvoiceVoided,
  type OrderEvent,
  type PaymentCaptured,
} from '../events.js';
import { InvoiceStateError } from './invoice-errors.js';

export type InvoiceStatus = 'issued' | 'captured' | 'voided';

export interface Invoice {
  readonly orderId: string;
  readonly amount: number;
  readonly status: InvoiceStatus;
}

interface InvoiceRecord {
  amount: number;
  status: InvoiceStatus;
  /** `seq` of the order's last billing event. */
  seq: number;
}

/**
 * The invoices, as topic `billing` describes them, and the rules that turn an order event into
 * the billing event that answers it. Pure: no I/O, no clock.
 *
 * - OrderCreated issues an invoice for the order's total.
 * - OrderPaid captures the payment of an issued invoice.
 * - OrderCancelled voids an issued invoice.
 *
 * `decide` returns the event to write and changes nothing; the caller writes it and `apply`s it
 * once acknowledged, exactly as it applies the events it reads back from the topic. Each billing
 * event names the order event it answers (`causationId`), so the ledger knows which order events
 * are billed already: `decide` answers `undefined` for those, which makes a redelivered order
 * event (after a crash, a rebalance) write nothing a second time. Applying is idempotent by `eventId`.
 */
export class InvoiceLedger {
  private readonly invoices = new Map<string, InvoiceRecord>();
  private readonly billed = new Set<string>();
  /** Per partition, the order events billed there (an order's billing events share its partition number). */
  private readonly billedByPartition = new Map<number, Set<string>>();
  private readonly applied = new Set<string>();

  decide(event: OrderEvent): BillingEvent | undefined {
    if (this.billed.has(event.eventId)) return undefined;
    const { orderId } = event;
    const base = { eventId: billingEventId(event.eventId), orderId, causationId: event.eventId };
    const invoice = this.invoices.get(orderId);
    if (event.type === 'OrderCreated') {
      if (invoice) throw new InvoiceStateError(orderId, event.type, `${invoice.status} already`);
      return { type: 'InvoiceIssued', ...base, seq: 1, amount: event.total } satisfies InvoiceIssued;
    }
    if (!invoice) throw new InvoiceStateError(orderId, event.type, 'not issued');
    if (invoice.status !== 'issued') throw new InvoiceStateError(orderId, event.type, invoice.status);
    const seq = invoice.seq + 1;
    return event.type === 'OrderPaid'
      ? ({ type: 'PaymentCaptured', ...base, seq, amount: invoice.amount } satisfies PaymentCaptured)
      : ({ type: 'InvoiceVoided', ...base, seq } satisfies InvoiceVoided);
  }

  /** Applies an event of topic `billing`, read from (or written to) `partition`; false when this `eventId` was applied before. */
  apply(event: BillingEvent, partition: number): boolean {
    if (this.applied.has(event.eventId)) return false;
    this.applied.add(event.eventId);
    this.billed.add(event.causationId);
    const inPartition = this.billedByPartition.get(partition) ?? new Set<string>();
    this.billedByPartition.set(partition, inPartition);
    inPartition.add(event.causationId);
    const invoice = this.invoices.get(event.orderId);
    if (event.type === 'InvoiceIssued') {
      this.invoices.set(event.orderId, { amount: event.amount, status: 'issued', seq: event.seq });
    } else if (invoice) {
      invoice.status = event.type === 'PaymentCaptured' ? 'captured' : 'voided';
      invoice.seq = Math.max(invoice.seq, event.seq);
    }
    return true;
  }

  invoice(orderId: string): Invoice | undefined {
    const record = this.invoices.get(orderId);
    return record && { orderId, amount: record.amount, status: record.status };
  }

  /** Distinct order events billed in these partitions (default all): what group `billing-service` handled of them. */
  orderEventsBilled(partitions?: readonly number[]): number {
    if (!partitions) return this.billed.size;
    return partitions.reduce((sum, p) => sum + (this.billedByPartition.get(p)?.size ?? 0), 0);
  }
}
