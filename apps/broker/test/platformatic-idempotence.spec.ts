import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiKey,
  apiByKey,
  decodeRequestFrame,
  decodeRequestHeaderPrefix,
  decodeResponseFrame,
  ErrorCode,
  encodeResponseFrame,
  FRAME_SIZE_PREFIX,
  Metadata,
  readBatchHeader,
} from '@runnel/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { type RunningBroker, startBroker } from '../src/index.js';

/** Promise.withResolvers is ES2024 (Node 22); @platformatic/kafka needs it on this Node 20 project. */
const promiseStatics = Promise as unknown as { withResolvers?: unknown };
if (typeof promiseStatics.withResolvers !== 'function') {
  promiseStatics.withResolvers = <T>() => {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
const platformatic = await import('@platformatic/kafka');

/** One request a client sent through the proxy, with the broker's answer once it came. */
export interface ProxiedExchange {
  readonly apiKey: number;
  readonly version: number;
  readonly request: unknown;
  response?: unknown;
}

/**
 * A TCP proxy in front of one broker that decodes every request and response it forwards, to
 * see what a client library really sends. Metadata responses are rewritten to advertise the
 * proxy's port, so a client that connects to the brokers Metadata names stays on the proxy.
 */
export class KafkaProxy {
  /** Every request seen, in the order the client sent them (per connection). */
  readonly exchanges: ProxiedExchange[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(brokerPort: number): Promise<KafkaProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const proxy = new KafkaProxy(server, port);
    server.on('connection', (client) => proxy.pipe(client, brokerPort));
    return proxy;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pipe(client: Socket, brokerPort: number): void {
    const broker = tcpConnect(brokerPort, '127.0.0.1');
    const pending = new Map<number, ProxiedExchange>();
    client.on('error', () => broker.destroy());
    broker.on('error', () => client.destroy());
    client.on('close', () => broker.destroy());
    broker.on('close', () => client.destroy());
    onFrames(client, (frame) => {
      const header = decodeRequestHeaderPrefix(frame);
      const api = apiByKey(header.requestApiKey);
      const exchange: ProxiedExchange = {
        apiKey: header.requestApiKey,
        version: header.requestApiVersion,
        request: api ? decodeRequestFrame(api, frame).body : undefined,
      };
      this.exchanges.push(exchange);
      pending.set(header.correlationId, exchange);
      broker.write(withSize(frame));
    });
    onFrames(broker, (frame) => {
      const correlationId = frame.readInt32BE(0);
      const exchange = pending.get(correlationId);
      pending.delete(correlationId);
      const api = exchange && apiByKey(exchange.apiKey);
      if (!exchange || !api) {
        client.write(withSize(frame));
        return;
      }
      const { body } = decodeResponseFrame(api, exchange.version, frame);
      exchange.response = body;
      if (api === Metadata) {
        const metadata = body as { brokers: { port: number }[] };
        for (const b of metadata.brokers) b.port = this.port;
        client.write(encodeResponseFrame(Metadata, exchange.version, correlationId, metadata as never));
        return;
      }
      client.write(withSize(frame));
    });
  }
}

/** Calls `onFrame` with every size-prefixed frame read from `socket`, without its prefix. */
function onFrames(socket: Socket, onFrame: (frame: Buffer) => void): void {
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= FRAME_SIZE_PREFIX) {
      const size = buffered.readInt32BE(0);
      if (buffered.length < FRAME_SIZE_PREFIX + size) break;
      onFrame(buffered.subarray(FRAME_SIZE_PREFIX, FRAME_SIZE_PREFIX + size));
      buffered = buffered.subarray(FRAME_SIZE_PREFIX + size);
    }
  });
}

function withSize(frame: Buffer): Buffer {
  const prefix = Buffer.alloc(FRAME_SIZE_PREFIX);
  prefix.writeInt32BE(frame.length, 0);
  return Buffer.concat([prefix, frame]);
}

interface ProducedBatch {
  topic: string;
  partition: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  records: number;
  errorCode: number | undefined;
}

/** The batches of every Produce request seen, with the error the broker answered each with. */
function producedBatches(exchanges: readonly ProxiedExchange[]): ProducedBatch[] {
  return exchanges
    .filter(({ apiKey }) => apiKey === ApiKey.Produce)
    .flatMap(({ request, response }) => {
      const { topicData } = request as {
        topicData: { name: string; partitionData: { index: number; records: Buffer | null }[] }[];
      };
      const answered = (
        response as
          | { responses: { name: string; partitionResponses: { index: number; errorCode: number }[] }[] }
          | undefined
      )?.responses;
      return topicData.flatMap(({ name, partitionData }) =>
        partitionData.map(({ index, records }) => {
          const header = readBatchHeader(records!);
          return {
            topic: name,
            partition: index,
            producerId: header.producerId,
            producerEpoch: header.producerEpoch,
            baseSequence: header.baseSequence,
            records: header.lastOffsetDelta + 1,
            errorCode: answered
              ?.find((t) => t.name === name)
              ?.partitionResponses.find((p) => p.index === index)?.errorCode,
          };
        }),
      );
    });
}

/**
 * What @platformatic/kafka 1.35's idempotent producer sends, decoded by a proxy, and the broker's
 * answers, checked against Kafka's rules (KIP-98, KIP-360):
 * - InitProducerId without a transactional id gets a fresh producer id and epoch 0, whatever
 *   producer id and epoch a v3 request carries (platformatic sends 0 and 0): Kafka's
 *   TransactionCoordinator.handleInitProducerId "blindly" generates a new id in that case.
 * - sequences are per producer id, epoch and partition, the first batch at 0, each batch
 *   starting after the last one's last sequence.
 * The library advances a partition's sequence only when a send's response arrives, so sends in
 * flight together start at the same sequence; the broker must then refuse (or, for an identical
 * range, answer as a duplicate) and never store a record twice.
 */
describe('@platformatic/kafka idempotent producer, seen through a proxy', () => {
  let broker: RunningBroker;
  let proxy: KafkaProxy;
  let bootstrapBrokers: string[];

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-platformatic-idempotence-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    proxy = await KafkaProxy.start(broker.port);
    bootstrapBrokers = [`127.0.0.1:${proxy.port}`];
    const admin = new platformatic.Admin({ clientId: 'admin', bootstrapBrokers });
    try {
      await admin.createTopics({ topics: ['sequential', 'concurrent'], partitions: 1, replicas: 1 });
    } finally {
      await admin.close();
    }
  });

  afterAll(async () => {
    await proxy.close();
    await broker.close();
  });

  const idempotentProducer = () =>
    new platformatic.Producer({ clientId: 'idem', bootstrapBrokers, idempotent: true, acks: -1 });
  const values = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ topic: prefix, value: Buffer.from(`${prefix}-${i}`) }));

  it('gets a fresh producer id at epoch 0 for the id and epoch it sends, then sequences 0, 2, 4 are accepted', async () => {
    const producer = idempotentProducer();
    try {
      for (let i = 0; i < 3; i++) await producer.send({ messages: values('sequential', 2) });
    } finally {
      await producer.close();
    }
    const inits = proxy.exchanges.filter(({ apiKey }) => apiKey === ApiKey.InitProducerId);
    expect(inits).toHaveLength(1);
    const { producerId } = inits[0]!.response as { producerId: bigint };
    expect(inits[0]).toMatchObject({
      version: 3,
      request: { transactionalId: null, producerId: 0n, producerEpoch: 0 },
      response: { errorCode: ErrorCode.NONE, producerEpoch: 0 },
    });
    expect(producedBatches(proxy.exchanges).filter(({ topic }) => topic === 'sequential')).toEqual(
      [0, 2, 4].map((baseSequence) => ({
        topic: 'sequential',
        partition: 0,
        producerId,
        producerEpoch: 0,
        baseSequence,
        records: 2,
        errorCode: ErrorCode.NONE,
      })),
    );
  });

  it('stores every record once when sends in flight together reuse a sequence', async () => {
    const producer = idempotentProducer();
    try {
      await Promise.allSettled([1, 2, 3].map((n) => producer.send({ messages: values('concurrent', n) })));
    } finally {
      await producer.close();
    }
    const batches = producedBatches(proxy.exchanges).filter(({ topic }) => topic === 'concurrent');
    expect(batches).toHaveLength(3);
    for (const { errorCode } of batches) {
      expect([ErrorCode.NONE, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER]).toContain(errorCode);
    }
    // Records stored: those of the accepted batches, no sequence twice.
    const accepted = batches.filter(({ errorCode }) => errorCode === ErrorCode.NONE);
    const sequences = accepted.flatMap(({ baseSequence, records }) =>
      Array.from({ length: records }, (_, i) => baseSequence + i),
    );
    const kafka = new Kafka({ brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchTopicOffsets('concurrent');
      expect(Number(offsets!.high)).toBe(new Set(sequences).size);
      expect(sequences).toHaveLength(new Set(sequences).size);
    } finally {
      await admin.disconnect();
    }
  });
});
