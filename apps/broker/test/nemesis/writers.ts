import { KafkaError, ProducerBlockedTimeoutError, Runnel, UnknownTopicError } from '@runnel/client';
import { Kafka, type Producer as KafkajsProducer, logLevel } from 'kafkajs';
import type { SendOutcome } from './history.js';

/** A writer's producer: one value per send, to the partition given; resolves with the offset acknowledged. */
export interface WriterProducer {
  send(partition: number, value: string): Promise<bigint>;
  /** How a rejected send ended, and the error in one line. */
  classify(err: unknown): { outcome: SendOutcome; error: string };
  close(): Promise<void>;
}

/** Which client the writers use (RUNNEL_NEMESIS_CLIENT): kafkajs by default, or @runnel/client. */
export type WriterClient = 'kafkajs' | 'runnel';

/** Timeouts short beside the faults (a pause lasts up to 5 s, a restart several), so some sends end unknown. */
const REQUEST_TIMEOUT_MS = 1500;

/**
 * kafkajs's idempotent producer (one request in flight, its own retries with the same
 * sequence). After a send that failed, kafkajs numbers the next batch with the failed one's
 * sequence, which a broker that did write the failed batch takes for a retry of it; so the
 * writer then drops that producer and the next send takes a new one (a new producer id).
 * `failed` is a producer that could not connect (nothing was sent); every other error is
 * `unknown`, since an earlier attempt of the batch may have been written.
 */
export class KafkajsWriter implements WriterProducer {
  private producer: Promise<KafkajsProducer> | undefined;
  private connecting = false;
  private readonly kafka: Kafka;

  constructor(
    brokers: string[],
    clientId: string,
    private readonly topic: string,
  ) {
    this.kafka = new Kafka({
      clientId,
      brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: REQUEST_TIMEOUT_MS * 2,
    });
  }

  async send(partition: number, value: string): Promise<bigint> {
    this.connecting = this.producer === undefined;
    this.producer ??= this.connect();
    const producer = await this.producer;
    this.connecting = false;
    const [metadata] = await producer.send({
      topic: this.topic,
      acks: -1,
      timeout: REQUEST_TIMEOUT_MS,
      messages: [{ partition, value }],
    });
    return BigInt(metadata!.baseOffset!);
  }

  classify(err: unknown): { outcome: SendOutcome; error: string } {
    const failedToConnect = this.connecting;
    this.connecting = false;
    const dropped = this.producer;
    this.producer = undefined;
    void dropped?.then((p) => p.disconnect()).catch(() => undefined);
    return { outcome: failedToConnect ? 'failed' : 'unknown', error: oneLine(err) };
  }

  async close(): Promise<void> {
    const producer = await this.producer?.catch(() => undefined);
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private async connect(): Promise<KafkajsProducer> {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    try {
      await producer.connect();
    } catch (err) {
      await producer.disconnect().catch(() => undefined);
      throw err;
    }
    return producer;
  }
}

/**
 * @runnel/client's idempotent producer, which handles a send that may have been written itself
 * (a new producer id for what follows). `failed` when it sent nothing (no metadata within
 * maxBlockMs, a topic it does not know); every other error `unknown`.
 */
export class RunnelWriter implements WriterProducer {
  private readonly producer;
  private connected: Promise<void> | undefined;

  constructor(
    brokers: string[],
    clientId: string,
    private readonly topic: string,
  ) {
    const runnel = new Runnel({
      clientId,
      brokers,
      requestTimeoutMs: 3000,
      connectionTimeoutMs: 2000,
      reconnectBackoffMaxMs: 500,
    });
    this.producer = runnel.producer({
      acks: -1,
      idempotent: true,
      lingerMs: 0,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      deliveryTimeoutMs: 4000,
      maxBlockMs: 4000,
      retryBackoffMs: 50,
      retryBackoffMaxMs: 500,
    });
  }

  async send(partition: number, value: string): Promise<bigint> {
    this.connected ??= this.producer.connect();
    await this.connected;
    const [metadata] = await this.producer.send({ topic: this.topic, messages: [{ partition, value }] });
    return metadata!.offset;
  }

  classify(err: unknown): { outcome: SendOutcome; error: string } {
    const failed = err instanceof ProducerBlockedTimeoutError || err instanceof UnknownTopicError;
    return { outcome: failed ? 'failed' : 'unknown', error: oneLine(err) };
  }

  async close(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
  }
}

function oneLine(err: unknown): string {
  if (err instanceof KafkaError) return `${err.errorName}: ${err.message}`;
  return String((err as Error)?.message ?? err);
}
