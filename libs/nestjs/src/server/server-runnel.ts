import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import {
  type CustomTransportStrategy,
  type MessageHandler,
  Server,
  type WritePacket,
} from '@nestjs/microservices';
import {
  type Consumer,
  type ConsumerCommitEvent,
  type ConsumerCrashEvent,
  type GroupEvent,
  type Producer,
  Runnel,
} from '@runnel/client';
import { finalize, isObservable, lastValueFrom } from 'rxjs';
import { RunnelContext } from '../ctx-host/runnel.context.js';
import { RunnelHeaders } from '../enums/runnel-headers.enum.js';
import { RunnelStatus } from '../enums/runnel-status.enum.js';
import { RunnelOptionError } from '../errors/runnel-option.error.js';
import { readMetadata } from '../helpers/packet-metadata.js';
import { decodeHeaders, decodeValue, headerValue, toOutgoingRecord } from '../helpers/record-codec.js';
import {
  type ResolvedRunnelServerOptions,
  type RunnelServerOptions,
  resolveServerOptions,
} from '../interfaces/runnel-server-options.interface.js';
import type { DeadLetterEvent } from './dead-letter.js';
import { GroupConsumer, type InboundRecord } from './group-consumer.js';

/** The transport id of ServerRunnel: `@EventPattern('orders', RUNNEL_TRANSPORT)` binds a handler to it alone. */
export const RUNNEL_TRANSPORT: unique symbol = Symbol('RUNNEL_TRANSPORT');

/** What `ServerRunnel.on(event, callback)` reports. */
export type ServerRunnelEvents = {
  /** Membership news of one group: joins (with the partitions it got), rebalances, failures. */
  group: (event: GroupEvent) => void;
  /** Offsets a group committed. */
  commit: (event: ConsumerCommitEvent) => void;
  /** A group's consumer stopped on an error it could not get past. */
  crash: (event: ConsumerCrashEvent) => void;
  /** A record given up after its last attempt (or at once, when its payload failed validation). */
  'dead-letter': (event: DeadLetterEvent) => void;
};

/** What `unwrap()` returns: the @runnel/client objects behind the server. */
export interface ServerRunnelInternals {
  readonly client: Runnel;
  /** One consumer per consumer group, by group id. */
  readonly consumers: ReadonlyMap<string, Consumer>;
  /** Sends replies and dead letters. */
  readonly producer: Producer;
}

/** The reply to a request whose pattern has no @MessagePattern handler (NestJS's wording). */
const NO_MESSAGE_HANDLER = 'There is no matching message handler defined in the remote service.';

/**
 * A NestJS microservice transport on @runnel/client:
 * `app.connectMicroservice({ strategy: new ServerRunnel({ client: { brokers }, consumer: { groupId } }) })`.
 *
 * Each pattern is a topic. `@EventPattern('orders')` consumes `orders` in the default group
 * (`consumer.groupId`); `@EventPattern('orders', { group: 'billing-audit' })` in a group of its
 * own, so one application hosts independent groups (one consumer each, each reading every
 * record at its own offsets). `@MessagePattern('billing.quote')` answers requests on that topic
 * on the reply topic and partition the request names, with the headers of NestJS's
 * Transport.KAFKA, so either side may be Transport.KAFKA.
 *
 * Event handlers run with per-key order and retries (GroupConsumer); a request handler runs once,
 * and its failure is the reply.
 */
export class ServerRunnel
  extends Server<ServerRunnelEvents, RunnelStatus>
  implements CustomTransportStrategy
{
  override readonly transportId = RUNNEL_TRANSPORT;
  // Event handler failures must reach the transport, which retries and dead-letters them.
  override readonly propagatesEventHandlerErrors = true;
  protected override readonly logger = new Logger(ServerRunnel.name);
  private readonly options: ResolvedRunnelServerOptions;
  /** Handlers of groups other than the default one, by group and route; the default group's are `messageHandlers`. */
  private readonly groupHandlers = new Map<string, Map<string, MessageHandler>>();
  private readonly events = new EventEmitter();
  private client: Runnel | undefined;
  private producer: Producer | undefined;
  private readonly groups = new Map<string, GroupConsumer>();
  /** Handlers by group and topic, fixed when listen() starts (handlers are all added before). */
  private routes = new Map<string, Map<string, MessageHandler>>();
  private readonly rebalancing = new Set<string>();

  constructor(options: RunnelServerOptions) {
    super();
    this.options = resolveServerOptions(options);
  }

  override addHandler(
    pattern: unknown,
    callback: MessageHandler,
    isEventHandler = false,
    extras: Record<string, unknown> = {},
  ): void {
    const group = extras.group ?? this.options.consumer.groupId;
    if (typeof group !== 'string' || group.length === 0) {
      throw new RunnelOptionError(
        `group of pattern ${JSON.stringify(pattern)}`,
        group,
        'must be a non-empty string',
      );
    }
    if (group === this.options.consumer.groupId) {
      super.addHandler(pattern, callback, isEventHandler, extras);
      return;
    }
    callback.isEventHandler = isEventHandler;
    callback.extras = extras;
    const route = this.normalizePattern(pattern as string);
    const routes = this.groupHandlers.get(group) ?? new Map<string, MessageHandler>();
    this.groupHandlers.set(group, routes);
    const head = routes.get(route);
    if (head && isEventHandler) {
      // Several event handlers of one pattern in one group all run, as in NestJS's Server.
      let tail = head;
      while (tail.next) tail = tail.next;
      tail.next = callback;
    } else {
      routes.set(route, callback);
    }
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.client = new Runnel(this.options.client);
      this.producer = this.client.producer(this.options.producer);
      await this.producer.connect();
      this.routes = new Map([[this.options.consumer.groupId, this.messageHandlers], ...this.groupHandlers]);
      for (const [groupId, routes] of this.routes) {
        if (routes.size === 0) continue;
        const group = new GroupConsumer(
          this.client,
          groupId,
          [...routes.keys()],
          this.options,
          this.producer,
          (record, attempt) => this.dispatch(record, attempt),
          this.logger,
          (event) => this.events.emit('dead-letter', event),
        );
        this.watch(group);
        this.groups.set(groupId, group);
        await group.start();
      }
      this._status$.next(RunnelStatus.CONNECTED);
      callback();
    } catch (error) {
      // Leave nothing half started: groups already joined leave, the producer closes.
      await this.close().catch(() => undefined);
      callback(error);
    }
  }

  /**
   * Stops fetching, lets running handlers finish within `shutdownGraceMs`, commits what finished,
   * leaves the groups, and closes the producer.
   */
  async close(): Promise<void> {
    const groups = [...this.groups.values()];
    this.groups.clear();
    await Promise.allSettled(groups.map((group) => group.stop()));
    await this.producer?.disconnect();
    this.producer = undefined;
    this.client = undefined;
    this._status$.next(RunnelStatus.DISCONNECTED);
  }

  on<K extends keyof ServerRunnelEvents>(event: K, callback: ServerRunnelEvents[K]): this {
    this.events.on(event, callback);
    return this;
  }

  unwrap<T = ServerRunnelInternals>(): T {
    if (!this.client || !this.producer) {
      throw new Error('ServerRunnel is not listening: call listen() (app.startAllMicroservices()) first');
    }
    const consumers = new Map([...this.groups].map(([id, group]) => [id, group.consumer]));
    return { client: this.client, consumers, producer: this.producer } satisfies ServerRunnelInternals as T;
  }

  private watch(group: GroupConsumer): void {
    const { consumer, groupId } = group;
    consumer.on('group', (event) => {
      if (event.type === 'rebalancing' || event.type === 'group-join') {
        if (event.type === 'rebalancing') this.rebalancing.add(groupId);
        else this.rebalancing.delete(groupId);
        this._status$.next(this.rebalancing.size > 0 ? RunnelStatus.REBALANCING : RunnelStatus.CONNECTED);
      }
      this.events.emit('group', event);
    });
    consumer.on('commit', (event) => this.events.emit('commit', event));
    consumer.on('crash', (event) => {
      this.logger.error(`group '${groupId}' stopped: ${event.error.message}`);
      this._status$.next(RunnelStatus.DISCONNECTED);
      this.events.emit('crash', event);
    });
  }

  /** Runs the handler of one record; rejects with the handler's failure (events) so it is retried. */
  private async dispatch(record: InboundRecord, attempt: number): Promise<void> {
    const { groupId, topic, partition, message, consumer, heartbeat } = record;
    const headers = decodeHeaders(message.headers);
    const metadata = readMetadata(headers);
    const context = new RunnelContext([
      message,
      topic,
      partition,
      consumer,
      heartbeat,
      headers,
      groupId,
      attempt,
      metadata,
    ]);
    const data = decodeValue(message.value);
    const handler = this.routes.get(groupId)?.get(topic);
    const correlationId = headerValue(headers, RunnelHeaders.CORRELATION_ID);
    const replyTopic = headerValue(headers, RunnelHeaders.REPLY_TOPIC);
    const isRequest = correlationId !== undefined && replyTopic !== undefined && !handler?.isEventHandler;
    if (isRequest) {
      const replyPartition = headerValue(headers, RunnelHeaders.REPLY_PARTITION);
      const reply = (packet: WritePacket) => this.reply(packet, replyTopic, replyPartition, correlationId);
      if (!handler) return void (await reply({ err: NO_MESSAGE_HANDLER, isDisposed: true }));
      return this.runRequest(handler, data, context, reply);
    }
    if (!handler) {
      this.logger.error(`group '${groupId}': no event handler for topic '${topic}'`);
      return;
    }
    return this.runEvent(handler, data, context);
  }

  /** An event handler, between NestJS's processing hooks; settles when the handler (and its stream) did. */
  private runEvent(handler: MessageHandler, data: unknown, context: RunnelContext): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const started: unknown = this.runWithProcessingHooks(context, async (runEndHook) => {
        try {
          const result = await handler(data, context);
          if (isObservable(result)) {
            await lastValueFrom(result.pipe(finalize(runEndHook)), { defaultValue: undefined });
          } else {
            runEndHook();
          }
          resolve();
        } catch (error) {
          runEndHook();
          reject(error);
        }
      });
      Promise.resolve(started).catch(reject);
    });
  }

  /** A request handler; settles once its last reply was sent (or failed to be, which is logged). */
  private runRequest(
    handler: MessageHandler,
    data: unknown,
    context: RunnelContext,
    reply: (packet: WritePacket) => Promise<void>,
  ): Promise<void> {
    return new Promise<void>((resolve) => {
      const respond = async (packet: WritePacket) => {
        try {
          await reply(packet);
        } finally {
          if (packet.isDisposed) resolve();
        }
      };
      const started: unknown = this.handleRequest(
        context,
        async () => this.transformToObservable(await handler(data, context)),
        respond,
      );
      Promise.resolve(started).catch((error) => respond({ err: error, isDisposed: true }));
    });
  }

  /** One reply, as NestJS's ServerKafka writes it. */
  private async reply(
    packet: WritePacket,
    replyTopic: string,
    replyPartition: string | undefined,
    correlationId: string,
  ): Promise<void> {
    const record = toOutgoingRecord(packet.response);
    record.headers[RunnelHeaders.CORRELATION_ID] = correlationId;
    if (packet.err !== undefined && packet.err !== null) {
      record.headers[RunnelHeaders.NEST_ERR] =
        typeof packet.err === 'object' ? JSON.stringify(packet.err) : String(packet.err);
    }
    if (packet.isDisposed) record.headers[RunnelHeaders.NEST_IS_DISPOSED] = Buffer.alloc(1);
    const partition = replyPartition === undefined ? undefined : Number.parseInt(replyPartition, 10);
    await this.producer!.send({
      topic: replyTopic,
      messages: [{ ...record, ...(Number.isInteger(partition) ? { partition } : {}) }],
    });
  }
}
