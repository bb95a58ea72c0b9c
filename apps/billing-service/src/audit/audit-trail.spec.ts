import type { OrderEvent } from '../events.js';
import { AuditTrail } from './audit-trail.js';

function event(orderId: string, seq: number, eventId = `${orderId}-${seq}`): OrderEvent {
  return seq === 1
    ? { type: 'OrderCreated', eventId, orderId, seq, customerId: 'c', items: [], total: 0 }
    : { type: 'OrderPaid', eventId, orderId, seq };
}

describe('AuditTrail', () => {
  it('records each event with its partition and offset, and sees no violation in key order', () => {
    const audit = new AuditTrail();
    expect(audit.record(event('o1', 1), 0, 0n)).toBe('recorded');
    expect(audit.record(event('o2', 1), 3, 0n)).toBe('recorded');
    expect(audit.record(event('o1', 2), 0, 1n)).toBe('recorded');
    expect(audit.stats()).toEqual({
      eventsSeen: 3,
      byType: { OrderCreated: 2, OrderPaid: 1 },
      partitions: [
        { partition: 0, events: 2, lastOffset: '1' },
        { partition: 3, events: 1, lastOffset: '0' },
      ],
      orderingViolations: 0,
      violations: [],
    });
  });

  it('counts an order event seen out of sequence once, naming the order, the sequence numbers and the offset', () => {
    const audit = new AuditTrail();
    audit.record(event('o1', 1), 2, 5n);
    expect(audit.record(event('o1', 3), 2, 6n)).toBe('violation');
    expect(audit.record(event('o1', 4), 2, 7n)).toBe('recorded');
    expect(audit.record(event('o9', 2), 2, 8n)).toBe('violation');
    const { orderingViolations, violations } = audit.stats();
    expect(orderingViolations).toBe(2);
    expect(violations).toEqual([
      { orderId: 'o1', expectedSeq: 2, seenSeq: 3, partition: 2, offset: '6' },
      { orderId: 'o9', expectedSeq: 1, seenSeq: 2, partition: 2, offset: '8' },
    ]);
  });

  it('counts a redelivered event (same eventId) neither as seen nor as a violation', () => {
    const audit = new AuditTrail();
    audit.record(event('o1', 1), 0, 0n);
    audit.record(event('o1', 2), 0, 1n);
    expect(audit.record(event('o1', 1), 0, 0n)).toBe('duplicate');
    expect(audit.stats()).toMatchObject({ eventsSeen: 2, orderingViolations: 0 });
  });

  it('forgets a dropped partition, so that members that traded partitions add up to the topic once', () => {
    const a = new AuditTrail();
    const b = new AuditTrail();
    a.record(event('o1', 1), 0, 0n);
    a.record(event('o2', 1), 1, 0n);
    // Partition 1 moves from a to b, which rebuilds it from the log.
    a.drop(1);
    b.open(1);
    b.record(event('o2', 1), 1, 0n);
    b.record(event('o2', 2), 1, 1n);
    expect([a.has(1), b.has(1)]).toEqual([false, true]);
    expect(a.stats().eventsSeen + b.stats().eventsSeen).toBe(3);
  });

  it('lists an opened partition with no events yet', () => {
    const audit = new AuditTrail();
    audit.open(4);
    expect(audit.stats().partitions).toEqual([{ partition: 4, events: 0, lastOffset: null }]);
  });
});
