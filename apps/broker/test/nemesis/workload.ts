import {
  type Consumer,
  KafkaError,
  type Producer,
  ProducerBlockedTimeoutError,
  Runnel,
  UnknownTopicError,
} from '@runnel/client';
import { seededRandom } from './fault-schedule.js';
import type { CommitEvent, ReadEvent, SendEvent, SendOutcome } from './history.js';

/**
 * Producer settings: a request timeout and a delivery timeout short beside the faults (a pause
 * lasts up to 5 s, a restart takes several), so some sends end unknown and the producer goes on
 * under a new producer id, as it does after a batch that may have been written.
 */
const PRODUCER_OPTIONS = {
  acks: -1,
  idempotent: true,
  lingerMs: 0,
  requestTimeoutMs: 1500,
  deliveryTimeoutMs: 4000,
  maxBlockMs: 4000,
  retryBackoffMs: 50,
  retryBackoffMaxMs: 500,
} as const;

/**
 * A send ends `failed` only when the producer sent nothing (no metadata within maxBlockMs, a
 * topic it does not know): a Produce request that went out may have been appended whatever its
 * answer, since the producer retries retriable errors until the delivery timeout, and an earlier
 * attempt of the same batch may have been written. Everything else is `unknown`.
 */
export function classify(err: unknown): { outcome: SendOutcome; error: string } {
  const error =
    err instanceof KafkaError ? `${err.errorName}: ${err.message}` : String((err as Error)?.message ?? err);
  if (err instanceof ProducerBlockedTimeoutError || err instanceof UnknownTopicError) {
    return { outcome: 'failed', error };
  }
  return { outcome: 'unknown', error };
}

export interface WorkloadOptions {
  readonly topic: string;
  readonly partitions: number;
  readonly writers: number;
  /**
   * Sends of one writer in flight at once. Above 1 the producer pipelines and retries several
   * batches of a partition, and @runnel/client then duplicates values when one of them expires
   * (docs/cluster.md, "What the nemesis found").
   */
  readonly inFlightPerWriter: number;
  readonly seed: number;
  readonly groupId: string;
  readonly now: () => number;
}

/**
 * The writers and the consumer group: `writers` idempotent acks=-1 producers, each sending its
 * own unique values `w<writer>-<n>` to partitions chosen by the seed, each send recorded when it
 * ends; and a consumer in a group reading the topic from the beginning, every record it is
 * handed and every offset its group accepted recorded as they happen.
 */
export class Workload {
  readonly sends: SendEvent[] = [];
  readonly reads: ReadEvent[] = [];
  readonly commits: CommitEvent[] = [];
  private readonly runnels: Runnel[] = [];
  private readonly producers: Producer[] = [];
  private consumer: Consumer<Buffer | null, Buffer | null> | undefined;
  private stopping = false;
  private writing: Promise<void>[] = [];

  constructor(
    private readonly bootstrapServers: string[],
    private readonly options: WorkloadOptions,
  ) {}

  async start(): Promise<void> {
    const { topic, partitions, writers, seed, now } = this.options;
    for (let w = 1; w <= writers; w++) {
      const runnel = this.runnel(`nemesis-writer-${w}`);
      const producer = runnel.producer(PRODUCER_OPTIONS);
      await producer.connect();
      this.producers.push(producer);
      const random = seededRandom(seed * 31 + w);
      let n = 0;
      const lane = async () => {
        while (!this.stopping) {
          const mine = n++;
          const value = `w${w}-${mine}`;
          const partition = Math.floor(random() * partitions);
          const startMs = now();
          try {
            const [metadata] = await producer.send({ topic, messages: [{ partition, value }] });
            this.sends.push({
              writer: w,
              n: mine,
              value,
              partition,
              startMs,
              endMs: now(),
              outcome: 'ok',
              offset: metadata!.offset,
            });
          } catch (err) {
            this.sends.push({
              writer: w,
              n: mine,
              value,
              partition,
              startMs,
              endMs: now(),
              ...classify(err),
            });
          }
        }
      };
      for (let lanes = 0; lanes < this.options.inFlightPerWriter; lanes++) this.writing.push(lane());
    }
    await this.startConsumer();
  }

  /** Stops sending and waits for every send in flight to end (within the delivery timeout). */
  async stopWriters(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.writing);
    await Promise.all(this.producers.map((p) => p.disconnect().catch(() => undefined)));
  }

  /** Stops the consumer (its last commit included) and closes every connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
  }

  private runnel(clientId: string): Runnel {
    const runnel = new Runnel({
      clientId,
      brokers: this.bootstrapServers,
      requestTimeoutMs: 3000,
      connectionTimeoutMs: 2000,
      reconnectBackoffMaxMs: 500,
    });
    this.runnels.push(runnel);
    return runnel;
  }

  /** A consumer that, should it crash (its group lost for good), is replaced by a new member of the group. */
  private async startConsumer(): Promise<void> {
    const { topic, groupId, now } = this.options;
    const consumer = this.runnel('nemesis-consumer').consumer({
      groupId,
      autoOffsetReset: 'earliest',
      autoCommitIntervalMs: 500,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      isolationLevel: 'read_uncommitted',
    });
    this.consumer = consumer;
    consumer.on('commit', ({ offsets }) => {
      for (const { partition, offset } of offsets) this.commits.push({ partition, offset, atMs: now() });
    });
    consumer.on('crash', () => {
      if (!this.stopping && this.consumer === consumer) void this.startConsumer();
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        this.reads.push({
          partition,
          offset: message.offset,
          value: message.value?.toString() ?? '',
          atMs: now(),
        });
      },
    });
  }
}
