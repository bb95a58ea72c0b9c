import { Inject, Injectable } from '@nestjs/common';
import { GROUP_MEMBERSHIP, LOG_READER } from '../billing-service.tokens.js';
import { AUDIT_GROUP, isOrderEvent, ORDERS_TOPIC, type OrderEvent } from '../events.js';
import type { GroupMembership, PartitionChange } from '../groups/group-membership.js';
import type { LogReader } from '../log/log-reader.js';
import { type AuditStats, AuditTrail } from './audit-trail.js';

/**
 * Group `billing-audit`'s view of topic `orders`. When the group gives this instance a partition,
 * its audit is rebuilt from the log (the partition read from its start, in assign mode), and the
 * group's own records of it wait for that; when the partition moves away, its audit is dropped.
 * So after any restart or rebalance the instances' stats add up to the topic, each event once.
 */
@Injectable()
export class AuditService {
  private readonly trail = new AuditTrail();
  /** Per owned partition, its rebuild; a rebuild whose partition was dropped meanwhile records nothing. */
  private readonly rebuilds = new Map<number, Promise<void>>();

  constructor(
    @Inject(LOG_READER) private readonly log: LogReader,
    @Inject(GROUP_MEMBERSHIP) private readonly membership: GroupMembership,
  ) {}

  async record(event: OrderEvent, partition: number, offset: bigint): Promise<void> {
    const rebuilt = this.rebuild(partition);
    await rebuilt;
    // A partition dropped meanwhile is another member's now: it counts this event, not us.
    if (this.rebuilds.get(partition) === rebuilt) this.trail.record(event, partition, offset);
  }

  partitionsChanged({ added, removed }: PartitionChange): void {
    for (const partition of removed) {
      this.rebuilds.delete(partition);
      this.trail.drop(partition);
    }
    for (const partition of added) void this.rebuild(partition).catch(() => undefined);
  }

  stats(): AuditStats & { group: string; assigned: number[] } {
    return {
      group: AUDIT_GROUP,
      assigned: this.membership.partitions(AUDIT_GROUP, ORDERS_TOPIC),
      ...this.trail.stats(),
    };
  }

  private rebuild(partition: number): Promise<void> {
    let rebuilt = this.rebuilds.get(partition);
    if (!rebuilt) {
      this.trail.open(partition);
      const current = this.log
        .replay(
          ORDERS_TOPIC,
          ({ value, offset }) => {
            if (this.rebuilds.get(partition) === current && isOrderEvent(value))
              this.trail.record(value, partition, offset);
          },
          { partitions: [partition] },
        )
        .then(() => undefined);
      rebuilt = current;
      this.rebuilds.set(partition, current);
      current.catch(() => {
        if (this.rebuilds.get(partition) === current) {
          this.rebuilds.delete(partition);
          this.trail.drop(partition);
        }
      });
    }
    return rebuilt;
  }
}
