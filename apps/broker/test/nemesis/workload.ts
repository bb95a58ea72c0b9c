import { type Consumer, Runnel } from '@runnel/client';
import { seededRandom } from './fault-schedule.js';
import type { CommitEvent, ReadEvent, SendEvent } from './history.js';
import { KafkajsWriter, RunnelWriter, type WriterClient, type WriterProducer } from './writers.js';

export interface WorkloadOptions {
  readonly topic: string;
  readonly partitions: number;
  readonly writers: number;
  /** The writers' client (writers.ts). */
  readonly client: WriterClient;
  /**
   * Sends of one writer in flight at once: 1 with kafkajs (its idempotent producer allows one
   * request in flight); above 1 @runnel/client pipelines and retries several batches of a partition.
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
  private readonly producers: WriterProducer[] = [];
  private consumer: Consumer<Buffer | null, Buffer | null> | undefined;
  private stopping = false;
  private writing: Promise<void>[] = [];

  constructor(
    private readonly bootstrapServers: string[],
    private readonly options: WorkloadOptions,
  ) {}

  async start(): Promise<void> {
    const { topic, partitions, writers, seed, now, client, inFlightPerWriter } = this.options;
    if (client === 'kafkajs' && inFlightPerWriter !== 1) {
      throw new RangeError(
        `${inFlightPerWriter} sends in flight per kafkajs writer: its idempotent producer takes 1`,
      );
    }
    for (let w = 1; w <= writers; w++) {
      const clientId = `nemesis-writer-${w}`;
      const producer =
        client === 'kafkajs'
          ? new KafkajsWriter(this.bootstrapServers, clientId, topic)
          : new RunnelWriter(this.bootstrapServers, clientId, topic);
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
            const offset = await producer.send(partition, value);
            this.sends.push({
              writer: w,
              n: mine,
              value,
              partition,
              startMs,
              endMs: now(),
              outcome: 'ok',
              offset,
            });
          } catch (err) {
            this.sends.push({
              writer: w,
              n: mine,
              value,
              partition,
              startMs,
              endMs: now(),
              ...producer.classify(err),
            });
          }
        }
      };
      for (let lanes = 0; lanes < inFlightPerWriter; lanes++) this.writing.push(lane());
    }
    await this.startConsumer();
  }

  /** Stops sending and waits for every send in flight to end (within the delivery timeout). */
  async stopWriters(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.writing);
    await Promise.all(this.producers.map((p) => p.close()));
  }

  /** Stops the consumer (its last commit included) and closes every connection. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
  }

  private runnel(clientId: string): Runnel {
    return new Runnel({
      clientId,
      brokers: this.bootstrapServers,
      requestTimeoutMs: 3000,
      connectionTimeoutMs: 2000,
      reconnectBackoffMaxMs: 500,
    });
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
