import type { OnApplicationShutdown } from '@nestjs/common';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import {
  type Admin,
  type AssignedPartition,
  type Consumer,
  type EachMessagePayload,
  type Producer,
  type RecordMetadata,
  Runnel,
  TopicNotFoundError,
} from '@runnel/client';
import { RunnelHeaders } from '../enums/runnel-headers.enum.js';
import { RunnelStatus } from '../enums/runnel-status.enum.js';
import { RequestTimeoutError } from '../errors/request-timeout.error.js';
import { metadataHeaders } from '../helpers/packet-metadata.js';
import { decodeHeaders, decodeValue, headerValue, toOutgoingRecord } from '../helpers/record-codec.js';
import {
  type ResolvedRunnelClientOptions,
  type RunnelClientOptions,
  resolveClientOptions,
} from '../interfaces/runnel-client-options.interface.js';

/** What `unwrap()` returns. */
export interface ClientRunnelInternals {
  readonly client: Runnel;
  readonly producer: Producer;
  /** Reads the reply topics; undefined in producerOnlyMode. */
  readonly consumer: Consumer | undefined;
}

/** The reply topic of a request pattern, as NestJS's ClientKafka names it. */
export function replyTopicOf(pattern: string): string {
  return `${pattern}.reply`;
}

/**
 * A NestJS ClientProxy on @runnel/client: `emit(topic, data)` produces an event, `send(pattern,
 * data)` a request answered on `${pattern}.reply`, both exactly as NestJS's ClientKafka writes
 * them, so the server may be ServerRunnel or Transport.KAFKA.
 *
 * Replies are read in assign mode (no consumer group, so no rebalance can unassign them) on every
 * partition of each reply topic, starting at the log end offset read before the first request of
 * that pattern is sent: a reply is never written where this client is not yet reading. Each
 * request names one partition for its reply (round robin); replies to other clients sharing the
 * topic are skipped by correlation id.
 */
export class ClientRunnel
  extends ClientProxy<Record<never, never>, RunnelStatus>
  implements OnApplicationShutdown
{
  private readonly options: ResolvedRunnelClientOptions;
  private client: Runnel | undefined;
  private producer: Producer | undefined;
  private admin: Admin | undefined;
  private consumer: Consumer | undefined;
  private connecting: Promise<void> | undefined;
  /** Reply topic -> its partitions once they are being read. */
  private readonly replyTopics = new Map<string, Promise<number[]>>();
  private readonly replyAssignment: AssignedPartition[] = [];
  private nextReplyPartition = 0;

  constructor(options: RunnelClientOptions) {
    super();
    this.options = resolveClientOptions(options);
  }

  /**
   * Connects the producer and, unless producerOnlyMode, starts the reply consumer with the
   * reply topics of `replyPatterns` assigned. Resolves once replies to those are being read.
   */
  connect(): Promise<void> {
    this.connecting ??= this.open().catch(async (error) => {
      // A failed attempt is not kept: the next connect() tries again.
      await this.close();
      throw error;
    });
    return this.connecting;
  }

  async close(): Promise<void> {
    const pending = [...this.routingMap.values()];
    this.routingMap.clear();
    for (const callback of pending) callback({ err: new Error('ClientRunnel closed before the reply came') });
    const { consumer, producer, admin } = this;
    this.consumer = this.producer = this.admin = this.client = undefined;
    this.connecting = undefined;
    this.replyTopics.clear();
    this.replyAssignment.length = 0;
    await Promise.allSettled([consumer?.disconnect(), producer?.disconnect(), admin?.disconnect()]);
    this._status$.next(RunnelStatus.DISCONNECTED);
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /** Assigns the reply topic of `pattern` now (as ClientKafka's subscribeToResponseOf, but effective at once once connected). */
  async subscribeToResponseOf(pattern: string): Promise<void> {
    await this.connect();
    await this.replyPartitions(replyTopicOf(this.normalizePattern(pattern)));
  }

  unwrap<T = ClientRunnelInternals>(): T {
    if (!this.client || !this.producer)
      throw new Error('ClientRunnel is not connected: call connect() first');
    return {
      client: this.client,
      producer: this.producer,
      consumer: this.consumer,
    } satisfies ClientRunnelInternals as T;
  }

  private async open(): Promise<void> {
    this.client = new Runnel(this.options.client);
    this.producer = this.client.producer(this.options.producer);
    await this.producer.connect();
    if (!this.options.producerOnlyMode) {
      this.admin = this.client.admin();
      await this.admin.connect();
      this.consumer = this.client.consumer(this.options.consumer);
      await this.consumer.connect();
      this.consumer.assign([]);
      await this.consumer.run({ eachMessage: (payload) => this.handleReply(payload) });
      await Promise.all(
        this.options.replyPatterns.map((pattern) =>
          this.replyPartitions(replyTopicOf(this.normalizePattern(pattern))),
        ),
      );
    }
    this._status$.next(RunnelStatus.CONNECTED);
  }

  protected async dispatchEvent<T = RecordMetadata[]>(packet: ReadPacket): Promise<T> {
    const topic = this.normalizePattern(packet.pattern);
    const record = toOutgoingRecord(packet.data);
    Object.assign(record.headers, metadataHeaders(packet.metadata));
    return (await this.producer!.send({ topic, messages: [record] })) as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const { id } = this.assignPacketId(packet);
    const pattern = this.normalizePattern(packet.pattern);
    const timeoutMs = this.options.requestTimeoutMs;
    const finish = () => {
      clearTimeout(timer);
      this.routingMap.delete(id);
    };
    const timer = setTimeout(() => {
      this.routingMap.delete(id);
      callback({ err: new RequestTimeoutError(pattern, timeoutMs, id) });
    }, timeoutMs);
    this.routingMap.set(id, (reply: WritePacket) => {
      if (reply.err !== undefined || reply.isDisposed) finish();
      callback(reply);
    });
    this.sendRequest(packet, pattern, id).catch((err) => {
      finish();
      callback({ err });
    });
    return finish;
  }

  private async sendRequest(packet: ReadPacket, pattern: string, id: string): Promise<void> {
    if (!this.consumer) throw new Error(`send('${pattern}') needs replies, which producerOnlyMode turns off`);
    const replyTopic = replyTopicOf(pattern);
    const partitions = await this.replyPartitions(replyTopic);
    const replyPartition = partitions[this.nextReplyPartition++ % partitions.length]!;
    const record = toOutgoingRecord(packet.data);
    Object.assign(record.headers, metadataHeaders(packet.metadata), {
      [RunnelHeaders.CORRELATION_ID]: id,
      [RunnelHeaders.REPLY_TOPIC]: replyTopic,
      [RunnelHeaders.REPLY_PARTITION]: String(replyPartition),
    });
    await this.producer!.send({ topic: pattern, messages: [record] });
  }

  /**
   * The partitions of `replyTopic`, read from their log end offsets as they were before this
   * resolved (the topic is created when missing). One lookup per topic, shared by all requests.
   */
  private replyPartitions(replyTopic: string): Promise<number[]> {
    let partitions = this.replyTopics.get(replyTopic);
    if (!partitions) {
      partitions = this.assignReplyTopic(replyTopic);
      this.replyTopics.set(replyTopic, partitions);
      partitions.catch(() => this.replyTopics.delete(replyTopic));
    }
    return partitions;
  }

  private async assignReplyTopic(replyTopic: string): Promise<number[]> {
    const admin = this.admin!;
    let offsets = await admin.fetchTopicOffsets(replyTopic).catch(async (error) => {
      if (!(error instanceof TopicNotFoundError)) throw error;
      await admin.createTopics({ topics: [{ topic: replyTopic }] });
      return undefined;
    });
    offsets ??= await admin.fetchTopicOffsets(replyTopic);
    for (const { partition, high } of offsets) {
      this.replyAssignment.push({ topic: replyTopic, partition, offset: high });
    }
    // assign() replaces the whole assignment; partitions already read keep their position.
    this.consumer!.assign(this.replyAssignment);
    return offsets.map(({ partition }) => partition).sort((a, b) => a - b);
  }

  private handleReply({ message }: EachMessagePayload): void {
    const headers = decodeHeaders(message.headers);
    const id = headerValue(headers, RunnelHeaders.CORRELATION_ID);
    const callback = id === undefined ? undefined : this.routingMap.get(id);
    if (!callback) return;
    const err = headerValue(headers, RunnelHeaders.NEST_ERR);
    if (err !== undefined) {
      callback({ err: decodeValue(Buffer.from(err, 'utf8')), isDisposed: true });
    } else {
      const isDisposed = headers[RunnelHeaders.NEST_IS_DISPOSED] !== undefined;
      callback({ response: decodeValue(message.value), isDisposed });
    }
  }
}
