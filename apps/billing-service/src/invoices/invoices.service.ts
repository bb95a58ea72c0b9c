import { Inject, Injectable } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import {
  BILLING_POSITIONS,
  BROKER_CLIENT,
  GROUP_MEMBERSHIP,
  INVOICE_LEDGER,
  LOG_READER,
} from '../billing-service.tokens.js';
import { BILLING_GROUP, BILLING_TOPIC, isBillingEvent, ORDERS_TOPIC, type OrderEvent } from '../events.js';
import type { GroupMembership, PartitionChange } from '../groups/group-membership.js';
import type { LogReader } from '../log/log-reader.js';
import type { Invoice, InvoiceLedger } from './invoice-ledger.js';

/**
 * Bills the order events group `billing-service` hands over: the ledger decides, the answer is
 * written to topic `billing` (keyed by order id), and applied once acknowledged.
 *
 * Why the catch-up: the ledger was rebuilt from `billing` at start, but the member that owned an
 * `orders` partition before this one (another instance, before a rebalance or a crash) may have
 * billed some of its orders since. Their billing events are in the same partition number of
 * `billing` (co-partitioning), written before that member gave the partition up. So before the
 * first order event of a partition it has just been given, this instance reads that partition of
 * `billing` on from where it last read: the ledger then knows everything billed for those orders,
 * and a redelivered order event is answered with nothing rather than billed twice.
 */
@Injectable()
export class InvoicesService {
  /** Per `orders` partition owned, the catch-up of its `billing` partition (run once per ownership). */
  private readonly caughtUp = new Map<number, Promise<void>>();

  constructor(
    @Inject(INVOICE_LEDGER) private readonly ledger: InvoiceLedger,
    @Inject(BROKER_CLIENT) private readonly broker: ClientProxy,
    @Inject(LOG_READER) private readonly log: LogReader,
    @Inject(GROUP_MEMBERSHIP) private readonly membership: GroupMembership,
    @Inject(BILLING_POSITIONS) private readonly positions: Map<number, bigint>,
  ) {}

  async bill(event: OrderEvent, partition: number): Promise<void> {
    await this.catchUp(partition);
    const answer = this.ledger.decide(event);
    if (!answer) return;
    await lastValueFrom(this.broker.emit(BILLING_TOPIC, { key: answer.orderId, value: answer }), {
      defaultValue: undefined,
    });
    this.ledger.apply(answer, partition);
  }

  invoice(orderId: string): Invoice | undefined {
    return this.ledger.invoice(orderId);
  }

  /** The partitions of `orders` this instance bills, and the order events billed in them. */
  stats(): { partitions: number[]; eventsSeen: number } {
    const partitions = this.membership.partitions(BILLING_GROUP, ORDERS_TOPIC);
    return { partitions, eventsSeen: this.ledger.orderEventsBilled(partitions) };
  }

  /**
   * A rebalance is starting: partitions may move, so every partition catches up again before its
   * next event (an event of a partition just given may be handed over before the join is reported).
   */
  rebalancing(): void {
    this.caughtUp.clear();
  }

  /** Partitions moved: those added catch up now, so that the ledger (and `stats`) covers them before their next event. */
  partitionsChanged({ added, removed }: PartitionChange): void {
    for (const partition of removed) this.caughtUp.delete(partition);
    for (const partition of added) {
      this.caughtUp.delete(partition);
      void this.catchUp(partition).catch(() => undefined);
    }
  }

  private catchUp(partition: number): Promise<void> {
    let done = this.caughtUp.get(partition);
    if (!done) {
      done = this.log
        .replay(
          BILLING_TOPIC,
          ({ value, partition: p }) => {
            if (isBillingEvent(value)) this.ledger.apply(value, p);
          },
          { partitions: [partition], from: this.positions },
        )
        .then(({ positions }) => {
          for (const [p, next] of positions) this.positions.set(p, next);
        });
      this.caughtUp.set(partition, done);
      done.catch(() => this.caughtUp.delete(partition));
    }
    return done;
  }
}
