import type { OrderEvent } from '../events.js';

/** An order's event seen with a `seq` other than the one after the last seen. */
export interface OrderingViolation {
  readonly orderId: string;
  readonly expectedSeq: number;
  readonly seenSeq: number;
  readonly partition: number;
  readonly offset: string;
}

export interface PartitionAudit {
  readonly partition: number;
  readonly events: number;
  /** Offset of the last event recorded, as a decimal string (offsets are 64-bit). */
  readonly lastOffset: string | null;
}

export interface AuditStats {
  readonly eventsSeen: number;
  readonly byType: Readonly<Record<string, number>>;
  readonly partitions: readonly PartitionAudit[];
  readonly orderingViolations: number;
  /** The first violations, for a person to look into (at most `MAX_VIOLATIONS_KEPT`). */
  readonly violations: readonly OrderingViolation[];
}

export type RecordOutcome = 'recorded' | 'duplicate' | 'violation';

const MAX_VIOLATIONS_KEPT = 20;

interface PartitionState {
  readonly eventIds: Set<string>;
  /** Per order, the `seq` of its last event seen. */
  readonly lastSeq: Map<string, number>;
  readonly byType: Map<string, number>;
  readonly violations: OrderingViolation[];
  violationCount: number;
  lastOffset: bigint | null;
}

/**
 * What group `billing-audit` has seen of topic `orders`, per partition: every event once (by
 * `eventId`), with its partition and offset, and the ordering violations: an order whose event
 * arrives with a `seq` other than its last + 1. Keyed ordering means there are none; a count above
 * 0 shows a transport (or a producer) that reordered an order's events. Pure.
 *
 * State is kept per partition because the partitions are what a group member owns: a member
 * builds a partition's state when it is given the partition (replaying it from the log) and drops
 * it when the partition moves away, so the stats of all members add up to the topic, each event
 * counted once. After a violation the order's sequence continues from the `seq` seen, so one
 * event out of place counts once, not once per later event.
 */
export class AuditTrail {
  private readonly partitions = new Map<number, PartitionState>();

  record(event: OrderEvent, partition: number, offset: bigint): RecordOutcome {
    const state = this.partitionState(partition);
    if (state.eventIds.has(event.eventId)) return 'duplicate';
    state.eventIds.add(event.eventId);
    state.byType.set(event.type, (state.byType.get(event.type) ?? 0) + 1);
    if (state.lastOffset === null || offset > state.lastOffset) state.lastOffset = offset;
    const expectedSeq = (state.lastSeq.get(event.orderId) ?? 0) + 1;
    state.lastSeq.set(event.orderId, event.seq);
    if (event.seq === expectedSeq) return 'recorded';
    state.violationCount += 1;
    if (state.violations.length < MAX_VIOLATIONS_KEPT) {
      state.violations.push({
        orderId: event.orderId,
        expectedSeq,
        seenSeq: event.seq,
        partition,
        offset: `${offset}`,
      });
    }
    return 'violation';
  }

  /** Whether this member holds the partition's state. */
  has(partition: number): boolean {
    return this.partitions.has(partition);
  }

  /** Starts a partition's state empty (before replaying it), so `has` is true from now on. */
  open(partition: number): void {
    this.partitionState(partition);
  }

  /** Forgets a partition that moved to another member. */
  drop(partition: number): void {
    this.partitions.delete(partition);
  }

  stats(): AuditStats {
    const states = [...this.partitions.entries()].sort(([a], [b]) => a - b);
    const byType: Record<string, number> = {};
    for (const [, s] of states) for (const [type, n] of s.byType) byType[type] = (byType[type] ?? 0) + n;
    return {
      eventsSeen: states.reduce((sum, [, s]) => sum + s.eventIds.size, 0),
      byType,
      partitions: states.map(([partition, s]) => ({
        partition,
        events: s.eventIds.size,
        lastOffset: s.lastOffset === null ? null : `${s.lastOffset}`,
      })),
      orderingViolations: states.reduce((sum, [, s]) => sum + s.violationCount, 0),
      violations: states.flatMap(([, s]) => s.violations).slice(0, MAX_VIOLATIONS_KEPT),
    };
  }

  private partitionState(partition: number): PartitionState {
    let state = this.partitions.get(partition);
    if (!state) {
      state = {
        eventIds: new Set(),
        lastSeq: new Map(),
        byType: new Map(),
        violations: [],
        violationCount: 0,
        lastOffset: null,
      };
      this.partitions.set(partition, state);
    }
    return state;
  }
}
