import type { BillingEvent, OrderEvent } from '../events.js';
import { OrderBook } from './order-book.js';
import { OrderNotFoundError, TransitionNotAllowedError } from './order-errors.js';

const ITEMS = [{ sku: 'tea', quantity: 2, unitPrice: 3.5 }];

function bookWithIds(prefix = 'e'): OrderBook {
  let next = 0;
  return new OrderBook(() => `${prefix}${++next}`);
}

/** Decides and applies, as order-service does once the broker acknowledged the event. */
function accept<E extends OrderEvent>(book: OrderBook, event: E): E {
  expect(book.applyOrderEvent(event)).toBe(true);
  return event;
}

function billing(type: BillingEvent['type'], orderId: string, seq: number): BillingEvent {
  return type === 'InvoiceVoided'
    ? { type, eventId: `${type}-${orderId}`, orderId, seq }
    : { type, eventId: `${type}-${orderId}`, orderId, seq, amount: 7 };
}

describe('OrderBook', () => {
  it('numbers the events of an order from 1 and moves created -> invoiced -> paid -> settled', () => {
    const book = bookWithIds();
    const created = accept(book, book.create('o1', 'c1', ITEMS, 7));
    expect(created).toEqual({
      type: 'OrderCreated',
      eventId: 'e1',
      orderId: 'o1',
      seq: 1,
      customerId: 'c1',
      items: ITEMS,
      total: 7,
    });
    expect(book.get('o1').status).toBe('created');
    book.applyBillingEvent(billing('InvoiceIssued', 'o1', 1));
    expect(book.get('o1').status).toBe('invoiced');
    expect(accept(book, book.pay('o1')).seq).toBe(2);
    expect(book.get('o1').status).toBe('paid');
    book.applyBillingEvent(billing('PaymentCaptured', 'o1', 2));
    expect(book.get('o1')).toEqual({ id: 'o1', customerId: 'c1', items: ITEMS, total: 7, status: 'settled' });
  });

  it('ends settled when the pay comes before the invoice', () => {
    const book = bookWithIds();
    accept(book, book.create('o1', 'c1', ITEMS, 7));
    accept(book, book.pay('o1'));
    expect(book.get('o1').status).toBe('paid');
    book.applyBillingEvent(billing('InvoiceIssued', 'o1', 1));
    expect(book.get('o1').status).toBe('paid');
    book.applyBillingEvent(billing('PaymentCaptured', 'o1', 2));
    expect(book.get('o1').status).toBe('settled');
  });

  it('cancels from created and from invoiced, and a cancelled order stays cancelled when its invoice comes', () => {
    const book = bookWithIds();
    accept(book, book.create('o1', 'c1', ITEMS, 7));
    accept(book, book.cancel('o1'));
    book.applyBillingEvent(billing('InvoiceIssued', 'o1', 1));
    book.applyBillingEvent(billing('InvoiceVoided', 'o1', 2));
    expect(book.get('o1').status).toBe('cancelled');

    accept(book, book.create('o2', 'c1', ITEMS, 7));
    book.applyBillingEvent(billing('InvoiceIssued', 'o2', 1));
    expect(accept(book, book.cancel('o2')).seq).toBe(2);
    expect(book.get('o2').status).toBe('cancelled');
  });

  it('refuses pay and cancel from statuses that do not allow them, naming the status', () => {
    const book = bookWithIds();
    accept(book, book.create('o1', 'c1', ITEMS, 7));
    accept(book, book.pay('o1'));
    expect(() => book.pay('o1')).toThrow(TransitionNotAllowedError);
    expect(() => book.cancel('o1')).toThrow(
      "order 'o1' cannot cancel: its status is 'paid', and cancel is allowed only from 'created' or 'invoiced'",
    );
    accept(book, book.create('o2', 'c1', ITEMS, 7));
    accept(book, book.cancel('o2'));
    expect(() => book.pay('o2')).toThrow("its status is 'cancelled'");
    expect(() => book.pay('nope')).toThrow(OrderNotFoundError);
    expect(() => book.get('nope')).toThrow("order 'nope' does not exist");
  });

  it('decides without changing state: an event not applied leaves the order as it was', () => {
    const book = bookWithIds();
    accept(book, book.create('o1', 'c1', ITEMS, 7));
    book.pay('o1');
    expect(book.get('o1').status).toBe('created');
    expect(book.pay('o1').seq).toBe(2);
  });

  it('applies each eventId once, so a replay after a restart double-counts nothing', () => {
    const book = bookWithIds();
    const created = accept(book, book.create('o1', 'c1', ITEMS, 7));
    const invoice = billing('InvoiceIssued', 'o1', 1);
    expect(book.applyBillingEvent(invoice)).toBe(true);
    expect(book.applyOrderEvent(created)).toBe(false);
    expect(book.applyBillingEvent(invoice)).toBe(false);
    expect(book.billingEventsSeen).toBe(1);
    expect(book.list()).toHaveLength(1);
  });

  it('rebuilt from its own log gives the same orders and goes on numbering where it stopped', () => {
    const book = bookWithIds();
    const log: OrderEvent[] = [accept(book, book.create('o1', 'c1', ITEMS, 7)), accept(book, book.pay('o1'))];
    log.push(accept(book, book.create('o2', 'c2', ITEMS, 7)));
    const rebuilt = bookWithIds('after-restart-');
    for (const event of log) rebuilt.applyOrderEvent(event);
    expect(rebuilt.list()).toEqual(book.list());
    accept(rebuilt, rebuilt.create('o3', 'c3', ITEMS, 7));
    expect(rebuilt.cancel('o2').seq).toBe(2);
  });

  it('keeps billing facts that arrive before the OrderCreated they are about', () => {
    const book = bookWithIds();
    book.applyBillingEvent(billing('InvoiceIssued', 'o1', 1));
    expect(() => book.get('o1')).toThrow(OrderNotFoundError);
    expect(book.list()).toEqual([]);
    accept(book, book.create('o1', 'c1', ITEMS, 7));
    expect(book.get('o1').status).toBe('invoiced');
  });

  it('counts orders by status, listing every status', () => {
    const book = bookWithIds();
    accept(book, book.create('o1', 'c1', ITEMS, 7));
    accept(book, book.create('o2', 'c1', ITEMS, 7));
    accept(book, book.cancel('o2'));
    expect(book.countByStatus()).toEqual({ created: 1, invoiced: 0, paid: 0, settled: 0, cancelled: 1 });
  });
});
