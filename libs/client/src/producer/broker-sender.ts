import { ErrorCode, KafkaError, Produce, type ResponseOf } from '@runnel/protocol';
import type { BrokerConnection } from '../connection/broker-connection.js';
import { describeTopicPartition } from '../metadata/topic-partition.js';
import {
  encodeProduceRequestFrame,
  MAX_PRODUCE_FRAME_VERSION,
  type ProduceRequestBody,
} from './produce-request-frame.js';
import type { ProducerBatch } from './producer-batch.js';
import type { PartitionQueue } from './record-accumulator.js';
import type { Sender } from './sender.js';

type ProduceResponse = ResponseOf<typeof Produce>;

/**
 * Error codes a broker answers after it appended the batch (it timed out waiting for replicas or
 * for the fsync): the batch may be in the log although the answer is an error. Every other error
 * code means the batch was not written.
 */
const WRITTEN_ANYWAY: ReadonlySet<number> = new Set([
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
]);

type PartitionAnswer = ProduceResponse['responses'][number]['partitionResponses'][number];

/** Up to this many batches a response's answers are looked up by scanning it, without an index. */
const SCANNED_ANSWERS_MAX = 8;

/**
 * A lookup of a Produce response's answer per partition. A request of a few batches (every
 * request of a producer with lingerMs 0 at a modest rate) scans the response, with no index and
 * no key strings made per batch; larger ones index it once, by topic and partition number.
 */
function produceAnswers(
  response: ProduceResponse,
  batches: number,
): (topic: string, partition: number) => PartitionAnswer | undefined {
  if (batches <= SCANNED_ANSWERS_MAX) {
    return (topic, partition) => {
      for (const t of response.responses) {
        if (t.name !== topic) continue;
        for (const p of t.partitionResponses) if (p.index === partition) return p;
      }
      return undefined;
    };
  }
  const byTopic = new Map<string, Map<number, PartitionAnswer>>();
  for (const t of response.responses) {
    let partitions = byTopic.get(t.name);
    if (partitions === undefined) {
      partitions = new Map();
      byTopic.set(t.name, partitions);
    }
    for (const p of t.partitionResponses) partitions.set(p.index, p);
  }
  return (topic, partition) => byTopic.get(topic)?.get(partition);
}

/**
 * The producer's link to one broker (the per-broker half of Kafka's Sender, franz-go's sink):
 * drains the batches of the partitions this broker leads into Produce requests, at most
 * `maxInFlightRequests` unanswered at a time on one connection, and settles every batch of a
 * response: acknowledged, back to its queue for a retry, or failed.
 *
 * Requests leave in the order they are drained, and a broker answers a connection's requests in
 * order, so an idempotent producer's batches of one partition reach the broker in sequence order.
 * A lost connection is reopened at the next run (the Cluster spaces attempts by its reconnect
 * backoff); the batches it carried come back for a retry with the same bytes and sequence, which
 * the broker recognises if it had written them.
 */
export class BrokerSender {
  private inFlight = 0;
  private connection: BrokerConnection | undefined;
  private connecting = false;
  /** Requests with zstd batches being compressed; later requests wait behind, to keep order. */
  private sealing: Promise<void> = Promise.resolve();
  private requestsSealing = 0;
  /**
   * The Produce response settled last, kept until the next: the decoder's objects' hidden classes
   * stay alive while no request is in flight (see RecordAccumulator.release for why that matters).
   */
  lastResponse: ProduceResponse | undefined;

  constructor(
    readonly nodeId: number,
    private readonly context: Sender,
  ) {}

  get requestsInFlight(): number {
    return this.inFlight;
  }

  /**
   * Sends what may be sent now from `partitions` (queues whose leader is this broker); without an
   * open connection, opens one first (the Cluster spaces reconnects by its backoff).
   */
  run(partitions: readonly PartitionQueue[], nowMs: number): void {
    const connection = this.connection;
    if (connection === undefined || connection.closed) {
      this.connection = undefined;
      if (!this.connecting) this.connect();
      return;
    }
    const { options, accumulator } = this.context;
    let sent = false;
    while (this.inFlight < options.maxInFlightRequests || options.acks === 0) {
      const batches = accumulator.drain(partitions, options.maxRequestSize, nowMs);
      if (batches.length === 0) break;
      this.send(connection, batches);
      sent = true;
    }
    // A run may be a microtask (Sender.refill): the requests leave now, not at the tick's end.
    if (sent) connection.flushWrites();
  }

  private connect(): void {
    this.connecting = true;
    this.context.cluster.connection(this.nodeId).then(
      (connection) => {
        this.connecting = false;
        this.connection = connection;
        this.context.wake();
      },
      (err: Error) => {
        this.connecting = false;
        this.context.connectionLost(this.nodeId, err);
      },
    );
  }

  /** Seals the batches not yet sealed (assigning sequences when idempotent) and sends them as one request. */
  private send(connection: BrokerConnection, batches: ProducerBatch[]): void {
    const { accumulator, options } = this.context;
    const identity = this.context.producerIdentity();
    let pendingSeals: Promise<void>[] | undefined;
    for (const batch of batches) {
      batch.attempts++;
      if (batch.bytes !== undefined) continue;
      let { producerId, producerEpoch } = identity;
      let baseSequence = -1;
      if (options.idempotent) {
        // A partition keeps the producer id its sequences belong to (see PartitionSequences.producerId).
        const sequences = accumulator.queue(batch.topic, batch.partition).sequences;
        if (sequences.producerId < 0n) sequences.adopt(producerId, producerEpoch);
        ({ producerId, producerEpoch } = sequences);
        baseSequence = sequences.assign(batch.recordCount);
      }
      const sealed = batch.seal({ producerId, producerEpoch, baseSequence });
      if (sealed instanceof Promise) {
        pendingSeals ??= [];
        pendingSeals.push(
          sealed.then((bytes) => {
            batch.bytes = bytes;
          }),
        );
      } else {
        batch.bytes = sealed;
      }
    }
    if (options.acks !== 0) this.inFlight++;
    if (pendingSeals === undefined && this.requestsSealing === 0) {
      this.write(connection, batches);
      return;
    }
    // zstd compresses asynchronously: this request and every one drained after it wait in line,
    // so requests still leave in drain order.
    this.requestsSealing++;
    const sealed = pendingSeals === undefined ? undefined : Promise.all(pendingSeals);
    this.sealing = this.sealing
      .then(() => sealed)
      .then(
        () => this.write(connection, batches),
        (err: Error) => this.settleRequestFailure(batches, err, true),
      )
      .finally(() => {
        this.requestsSealing--;
      });
  }

  private write(connection: BrokerConnection, batches: ProducerBatch[]): void {
    const { options } = this.context;
    const byTopic = new Map<string, { index: number; records: Buffer | null }[]>();
    for (const batch of batches) {
      let partitions = byTopic.get(batch.topic);
      if (partitions === undefined) {
        partitions = [];
        byTopic.set(batch.topic, partitions);
      }
      partitions.push({ index: batch.partition, records: batch.bytes! });
    }
    const body: ProduceRequestBody = {
      transactionalId: null,
      acks: options.acks,
      timeoutMs: options.requestTimeoutMs,
      topicData: [...byTopic].map(([name, partitionData]) => ({ name, partitionData })),
    };
    let version: number;
    try {
      version = connection.versionFor(Produce);
    } catch (err) {
      this.settleRequestFailure(batches, err as Error, true);
      return;
    }
    // Up to v8 the batches are written as chunks of the frame, not copied into it; a flexible
    // version, should both sides speak one, goes through the schema encoder.
    const chunked = version <= MAX_PRODUCE_FRAME_VERSION;
    const encode = (correlationId: number, clientId: string) =>
      encodeProduceRequestFrame(version, correlationId, clientId, body);
    if (options.acks === 0) {
      // No answer comes; a batch is done once its request has been written to the socket (as in
      // Kafka), not when it is queued there: until then the socket reads from the batch's pooled
      // buffer, which must not be handed to a new batch, and its bytes still count against
      // bufferMemory, so a broker that stops reading blocks send() instead of growing the queue.
      let written: Promise<void>;
      try {
        written = chunked
          ? connection.sendFrameWithoutResponse(Produce, version, encode)
          : connection.sendWithoutResponse(Produce, body, { version });
      } catch (err) {
        this.settleRequestFailure(batches, err as Error, true);
        return;
      }
      written.then(
        () => {
          for (const batch of batches) this.acknowledge(batch, -1n, -1);
          this.context.wake();
        },
        (err: Error) => {
          if (connection.closed) this.context.connectionLost(this.nodeId, err);
          this.settleRequestFailure(batches, err, false);
        },
      );
      return;
    }
    const timeoutMs = options.requestTimeoutMs;
    const answered = chunked
      ? connection.requestFrame(Produce, version, encode, { timeoutMs })
      : connection.request(Produce, body, { version, timeoutMs });
    answered.then(
      (response) => this.settleResponse(batches, response),
      (err: Error) => {
        if (connection.closed) this.context.connectionLost(this.nodeId, err);
        this.settleRequestFailure(batches, err, false);
      },
    );
  }

  private settleResponse(batches: ProducerBatch[], response: ProduceResponse): void {
    this.inFlight--;
    this.lastResponse = response;
    // Queued before the batches complete their send() calls, so it runs before what they resume.
    this.context.refill();
    const answers = produceAnswers(response, batches.length);
    for (const batch of batches) {
      const answer = answers(batch.topic, batch.partition);
      if (answer === undefined) {
        this.context.settleFailure(
          batch,
          KafkaError.fromCode(ErrorCode.UNKNOWN_SERVER_ERROR, {
            context: describeTopicPartition(batch.topic, batch.partition),
            message: 'the Produce response does not answer this partition',
          }),
          false,
        );
      } else if (
        answer.errorCode === ErrorCode.NONE ||
        answer.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER
      ) {
        // DUPLICATE_SEQUENCE_NUMBER: the broker holds this batch already (Kafka treats it as success).
        this.acknowledge(batch, answer.baseOffset, Number(answer.logAppendTimeMs));
      } else {
        const error = KafkaError.fromCode(answer.errorCode, {
          context: describeTopicPartition(batch.topic, batch.partition),
          message: answer.errorMessage,
        });
        this.context.settleFailure(batch, error, !WRITTEN_ANYWAY.has(answer.errorCode));
      }
    }
  }

  /** The request as a whole got no answer: whether the broker wrote its batches is unknown. */
  private settleRequestFailure(batches: ProducerBatch[], err: Error, definitelyNotWritten: boolean): void {
    if (this.context.options.acks !== 0) this.inFlight--;
    for (const batch of batches) this.context.settleFailure(batch, err, definitelyNotWritten);
    this.context.wake();
  }

  private acknowledge(batch: ProducerBatch, baseOffset: bigint, logAppendTime: number): void {
    this.context.accumulator.finish(batch, true);
    batch.complete(baseOffset, logAppendTime);
  }
}
