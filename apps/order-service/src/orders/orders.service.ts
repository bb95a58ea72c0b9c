import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { lastValueFrom, timeout } from 'rxjs';
import {
  BILLING_QUOTE_PATTERN,
  type BillingEvent,
  ORDERS_TOPIC,
  type OrderEvent,
  type OrderItem,
  type QuoteReply,
  type QuoteRequest,
} from '../events.js';
import { BROKER_CLIENT, ORDER_BOOK, ORDER_SERVICE_CONFIG } from '../order-service.tokens.js';
import type { OrderServiceConfig } from '../order-service-config.js';
import { KeyedSerializer } from './keyed-serializer.js';
import type { OrderBook, OrderView } from './order-book.js';
import { QuoteUnavailableError } from './quote-unavailable.error.js';

/**
 * Orders as HTTP sees them. Every change is decided by the OrderBook, written to topic `orders`
 * (keyed by order id, so the order's events stay in order in one partition), and applied only
 * once the broker has acknowledged it: an answered request is in the log, and a failed write
 * changes nothing. Each order's requests run one at a time.
 */
@Injectable()
export class OrdersService {
  private readonly serializer = new KeyedSerializer();

  constructor(
    @Inject(ORDER_BOOK) private readonly book: OrderBook,
    @Inject(BROKER_CLIENT) private readonly broker: ClientProxy,
    @Inject(ORDER_SERVICE_CONFIG) private readonly config: OrderServiceConfig,
  ) {}

  async place(customerId: string, items: readonly OrderItem[]): Promise<OrderView> {
    const { total } = await this.quote({ customerId, items });
    const id = randomUUID();
    return this.serializer.run(id, async () => {
      await this.write(this.book.create(id, customerId, items, total));
      return this.book.get(id);
    });
  }

  pay(id: string): Promise<OrderView> {
    return this.serializer.run(id, async () => {
      await this.write(this.book.pay(id));
      return this.book.get(id);
    });
  }

  cancel(id: string): Promise<OrderView> {
    return this.serializer.run(id, async () => {
      await this.write(this.book.cancel(id));
      return this.book.get(id);
    });
  }

  get(id: string): OrderView {
    return this.book.get(id);
  }

  list(): OrderView[] {
    return this.book.list();
  }

  /** An event of topic `billing`, from group `order-service`; redeliveries change nothing. */
  applyBillingEvent(event: BillingEvent): void {
    this.book.applyBillingEvent(event);
  }

  stats(): { orders: ReturnType<OrderBook['countByStatus']>; billingEventsSeen: number } {
    return { orders: this.book.countByStatus(), billingEventsSeen: this.book.billingEventsSeen };
  }

  private async quote(request: QuoteRequest): Promise<QuoteReply> {
    let reply: unknown;
    try {
      reply = await lastValueFrom(
        this.broker
          .send<QuoteReply, QuoteRequest>(BILLING_QUOTE_PATTERN, request)
          .pipe(timeout(this.config.quoteTimeoutMs)),
      );
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `no reply within ${this.config.quoteTimeoutMs} ms`
          : ((error as { message?: string }).message ?? String(error));
      throw new QuoteUnavailableError(reason, { cause: error });
    }
    const total = (reply as Partial<QuoteReply> | null)?.total;
    if (typeof total !== 'number' || !Number.isFinite(total)) {
      throw new QuoteUnavailableError(`the reply ${JSON.stringify(reply)} has no numeric total`);
    }
    return { total };
  }

  private async write(event: OrderEvent): Promise<void> {
    await lastValueFrom(this.broker.emit(ORDERS_TOPIC, { key: event.orderId, value: event }), {
      defaultValue: undefined,
    });
    this.book.applyOrderEvent(event);
  }
}
