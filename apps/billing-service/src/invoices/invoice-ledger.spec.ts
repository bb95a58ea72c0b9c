import type { OrderCancelled, OrderCreated, OrderPaid } from '../events.js';
import { InvoiceStateError } from './invoice-errors.js';
import { InvoiceLedger } from './invoice-ledger.js';

const created: OrderCreated = {
  type: 'OrderCreated',
  eventId: 'e1',
  orderId: 'o1',
  seq: 1,
  customerId: 'c1',
  items: [{ sku: 'tea', quantity: 2, unitPrice: 3.5 }],
  total: 7,
};
const paid: OrderPaid = { type: 'OrderPaid', eventId: 'e2', orderId: 'o1', seq: 2 };
const cancelled: OrderCancelled = { type: 'OrderCancelled', eventId: 'e3', orderId: 'o1', seq: 2 };

/** Decides and applies, as billing-service does once the broker acknowledged the event. */
function bill(ledger: InvoiceLedger, event: OrderCreated | OrderPaid | OrderCancelled) {
  const answer = ledger.decide(event);
  if (answer) expect(ledger.apply(answer, 0)).toBe(true);
  return answer;
}

describe('InvoiceLedger', () => {
  it('issues an invoice for the total, then captures it on OrderPaid, numbering from 1', () => {
    const ledger = new InvoiceLedger();
    expect(bill(ledger, created)).toEqual({
      type: 'InvoiceIssued',
      eventId: 'billing:e1',
      orderId: 'o1',
      seq: 1,
      causationId: 'e1',
      amount: 7,
    });
    expect(ledger.invoice('o1')).toEqual({ orderId: 'o1', amount: 7, status: 'issued' });
    expect(bill(ledger, paid)).toEqual({
      type: 'PaymentCaptured',
      eventId: 'billing:e2',
      orderId: 'o1',
      seq: 2,
      causationId: 'e2',
      amount: 7,
    });
    expect(ledger.invoice('o1')?.status).toBe('captured');
    expect(ledger.orderEventsBilled()).toBe(2);
  });

  it('voids an issued invoice on OrderCancelled', () => {
    const ledger = new InvoiceLedger();
    bill(ledger, created);
    expect(bill(ledger, cancelled)).toMatchObject({ type: 'InvoiceVoided', seq: 2, causationId: 'e3' });
    expect(ledger.invoice('o1')?.status).toBe('voided');
  });

  it('answers a redelivered order event with nothing, so nothing is billed twice', () => {
    const ledger = new InvoiceLedger();
    bill(ledger, created);
    bill(ledger, paid);
    expect(ledger.decide(created)).toBeUndefined();
    expect(ledger.decide(paid)).toBeUndefined();
    expect(ledger.orderEventsBilled()).toBe(2);
  });

  it('counts the order events billed per partition', () => {
    const ledger = new InvoiceLedger();
    ledger.apply(ledger.decide(created)!, 2);
    ledger.apply(ledger.decide({ ...created, eventId: 'e7', orderId: 'o7' })!, 5);
    expect([
      ledger.orderEventsBilled([2]),
      ledger.orderEventsBilled([0, 5]),
      ledger.orderEventsBilled(),
    ]).toEqual([1, 1, 2]);
  });

  it('rebuilt from topic billing, it knows what was billed before a restart', () => {
    const first = new InvoiceLedger();
    const log = [bill(first, created)!, bill(first, paid)!];
    const rebuilt = new InvoiceLedger();
    for (const event of log) rebuilt.apply(event, 0);
    expect(rebuilt.decide(paid)).toBeUndefined();
    expect(rebuilt.invoice('o1')).toEqual(first.invoice('o1'));
    expect(rebuilt.apply(log[0]!, 0)).toBe(false);
  });

  it('refuses order events that do not fit the invoice, naming the order and the invoice status', () => {
    const ledger = new InvoiceLedger();
    expect(() => ledger.decide(paid)).toThrow(new InvoiceStateError('o1', 'OrderPaid', 'not issued'));
    bill(ledger, created);
    expect(() => ledger.decide({ ...created, eventId: 'e9' })).toThrow(
      "order 'o1': OrderCreated cannot apply to an invoice that is issued already",
    );
    bill(ledger, cancelled);
    expect(() => ledger.decide(paid)).toThrow(
      "order 'o1': OrderPaid cannot apply to an invoice that is voided",
    );
  });

  it('decides without changing state', () => {
    const ledger = new InvoiceLedger();
    ledger.decide(created);
    expect(ledger.invoice('o1')).toBeUndefined();
    expect(ledger.decide(created)?.type).toBe('InvoiceIssued');
  });
});
