import {
  ApiVersions,
  CreateTopics,
  ErrorCode,
  encodeRecordBatch,
  encodeRequestFrame,
  encodeResponseFrame,
  ListOffsets,
  Metadata,
  Produce,
  ProtocolError,
} from '@runnel/protocol';
import { BrokerConnection, type ConnectionOptions } from '../src/connection/broker-connection.js';
import { ConnectionError } from '../src/errors/connection-error.js';
import { TimeoutError } from '../src/errors/timeout-error.js';
import { ScriptedPeer } from './support/scripted-peer.js';
import { parseBootstrap, startTestBroker, type TestBroker } from './support/test-broker.js';

/** The highest Metadata version this client speaks: what it sends to a broker serving more. */
const METADATA_MAX = Metadata.request.validVersions.max;

const options: ConnectionOptions = {
  clientId: 'connection-spec',
  connectTimeoutMs: 5000,
  requestTimeoutMs: 5000,
};

describe('BrokerConnection against the embedded broker', () => {
  let broker: TestBroker;
  let connection: BrokerConnection;

  beforeAll(async () => {
    broker = await startTestBroker();
    connection = await BrokerConnection.connect(parseBootstrap(broker.bootstrap), options);
  });

  afterAll(async () => {
    await connection?.close();
    await broker?.close();
  });

  it('negotiates each API at the highest version both sides serve', async () => {
    const announced = await connection.request(ApiVersions, {}, { version: 3 });
    expect(announced.errorCode).toBe(ErrorCode.NONE);
    for (const api of [Metadata, Produce, ListOffsets, CreateTopics]) {
      const theirs = announced.apiKeys.find((k) => k.apiKey === api.apiKey);
      expect(theirs).toBeDefined();
      expect(connection.versionFor(api)).toBe(
        Math.min(theirs?.maxVersion ?? -1, api.request.validVersions.max),
      );
    }
    expect(connection.supports(Metadata)).toBe(true);
  });

  it('answers a Metadata request with the broker and a topic it created', async () => {
    const created = await connection.request(CreateTopics, {
      topics: [{ name: 'connection-metadata', numPartitions: 3, replicationFactor: 1 }],
      timeoutMs: 5000,
    });
    expect(created.topics[0]?.errorCode).toBe(ErrorCode.NONE);
    const metadata = await connection.request(Metadata, { topics: [{ name: 'connection-metadata' }] });
    expect(metadata.brokers).toEqual([
      expect.objectContaining({ port: broker.broker.port, host: '127.0.0.1' }),
    ]);
    const topic = metadata.topics[0];
    expect(topic?.name).toBe('connection-metadata');
    expect(topic?.partitions.map((p) => p.partitionIndex).sort()).toEqual([0, 1, 2]);
    expect(topic?.partitions.every((p) => p.leaderId === metadata.brokers[0]?.nodeId)).toBe(true);
  });

  it('pipelines many requests and resolves each with its own response, in order', async () => {
    const count = 2000;
    const settled: number[] = [];
    const responses = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        connection
          .request(Metadata, { topics: [{ name: `missing-${i}` }], allowAutoTopicCreation: false })
          .then((body) => {
            settled.push(i);
            return body;
          }),
      ),
    );
    expect(settled).toEqual(Array.from({ length: count }, (_, i) => i));
    responses.forEach((body, i) => {
      expect(body.topics[0]?.name).toBe(`missing-${i}`);
      expect(body.topics[0]?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    });
    expect(connection.pendingRequests).toBe(0);
  });

  it('sends a request that gets no response (acks=0) without putting later responses out of step', async () => {
    await connection.request(CreateTopics, {
      topics: [{ name: 'connection-acks0', numPartitions: 1, replicationFactor: 1 }],
      timeoutMs: 5000,
    });
    const records = await encodeRecordBatch({
      records: [{ value: Buffer.from('fire and forget'), timestamp: Date.now() }],
    });
    connection.sendWithoutResponse(Produce, {
      acks: 0,
      timeoutMs: 5000,
      topicData: [{ name: 'connection-acks0', partitionData: [{ index: 0, records }] }],
    });
    const offsets = await connection.request(ListOffsets, {
      replicaId: -1,
      topics: [{ name: 'connection-acks0', partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
    });
    expect(offsets.topics[0]?.partitions[0]?.offset).toBe(1n);
  });

  it('writes a frame its caller encoded as chunks, in order with the requests around it, and decodes the answer', async () => {
    await connection.request(CreateTopics, {
      topics: [{ name: 'connection-frames', numPartitions: 1, replicationFactor: 1 }],
      timeoutMs: 5000,
    });
    const records = await encodeRecordBatch({
      records: [{ value: Buffer.from('in three chunks'), timestamp: Date.now() }],
    });
    const version = connection.versionFor(Produce);
    const body = {
      acks: 1,
      timeoutMs: 5000,
      topicData: [{ name: 'connection-frames', partitionData: [{ index: 0, records }] }],
    };
    const ids: number[] = [];
    const before = connection.request(Metadata, { topics: [{ name: 'connection-frames' }] });
    const produced = connection.requestFrame(Produce, version, (correlationId, clientId) => {
      ids.push(correlationId);
      const frame = encodeRequestFrame(Produce, version, { correlationId, clientId }, body);
      return [frame.subarray(0, 5), frame.subarray(5, frame.length - 7), frame.subarray(frame.length - 7)];
    });
    const after = connection.request(ListOffsets, {
      replicaId: -1,
      topics: [{ name: 'connection-frames', partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
    });
    expect((await before).topics[0]?.name).toBe('connection-frames');
    const answer = (await produced).responses[0]?.partitionResponses[0];
    expect(answer).toMatchObject({ index: 0, errorCode: ErrorCode.NONE, baseOffset: 0n });
    expect((await after).topics[0]?.partitions[0]?.offset).toBe(1n);
    expect(ids).toHaveLength(1);
  });

  it('rejects a request whose encoder throws, writes nothing of it, and keeps the connection', async () => {
    const failure = new RangeError('no such frame');
    await expect(
      connection.requestFrame(Metadata, connection.versionFor(Metadata), () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(() =>
      connection.sendFrameWithoutResponse(Produce, connection.versionFor(Produce), () => {
        throw failure;
      }),
    ).toThrow(failure);
    const metadata = await connection.request(Metadata, { topics: [] });
    expect(metadata.brokers).toHaveLength(1);
    expect(connection.closed).toBe(false);
  });

  it('refuses a version outside the client codec, naming the range it speaks', async () => {
    await expect(connection.request(Metadata, {}, { version: 99 })).rejects.toThrow(
      `Metadata version 99 is outside the versions this client speaks (0-${METADATA_MAX})`,
    );
  });
});

describe('BrokerConnection against peers that misbehave', () => {
  let peer: ScriptedPeer;

  afterEach(async () => {
    await peer?.close();
  });

  it('fails connect with a TimeoutError when the peer accepts but never answers ApiVersions', async () => {
    peer = new ScriptedPeer(false);
    const address = await peer.listen();
    const started = Date.now();
    const error = await BrokerConnection.connect(address, { ...options, connectTimeoutMs: 200 }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.retriable).toBe(true);
    expect(error.message).toContain('ApiVersions v3');
    expect(error.message).toContain('within 200 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('connects to a peer that refuses ApiVersions v3 in neither v0 nor v3 layout, as librdkafka 2.0 mock does', async () => {
    peer = new ScriptedPeer(true);
    peer.maxApiVersions = 2;
    // The mock's answer: error 35, then a one-entry list whose count is neither int32 nor compact.
    peer.refuseApiVersions = (correlationId) => {
      const frame = Buffer.from(
        ['00000011', '00000000', '0023', '01', '0012', '0000', '0002', '00000000'].join(''),
        'hex',
      );
      frame.writeInt32BE(correlationId, 4);
      return frame;
    };
    const connection = await BrokerConnection.connect(await peer.listen(), options);
    expect(peer.apiVersionsAsked).toEqual([3, 0]);
    expect(connection.versionFor(Metadata)).toBe(Metadata.request.validVersions.max);
    await connection.close();
  });

  it('fails a request with a TimeoutError after requestTimeoutMs, closes, and fails the others as retriable', async () => {
    peer = new ScriptedPeer(true);
    const connection = await BrokerConnection.connect(await peer.listen(), {
      ...options,
      requestTimeoutMs: 300,
    });
    const closed = new Promise<Error | undefined>((resolve) => connection.onClose(resolve));
    const first = connection.request(Metadata, {}).catch((e) => e);
    const second = connection.request(Metadata, {}, { timeoutMs: 60_000 }).catch((e) => e);
    const started = Date.now();
    const timedOut = await first;
    expect(timedOut).toBeInstanceOf(TimeoutError);
    expect(timedOut.message).toMatch(
      new RegExp(`Metadata v${METADATA_MAX} \\(correlation id \\d+\\) got no response within 300 ms`),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const other = await second;
    expect(other).toBeInstanceOf(ConnectionError);
    expect(other.retriable).toBe(true);
    expect(other.message).toContain('an earlier request timed out');
    expect(await closed).toBe(timedOut);
    expect(connection.closed).toBe(true);
  });

  it('fails every pending request with a retriable ConnectionError when the peer closes, and later ones at once', async () => {
    peer = new ScriptedPeer(true);
    const connection = await BrokerConnection.connect(await peer.listen(), options);
    const closed = new Promise<Error | undefined>((resolve) => connection.onClose(resolve));
    let seen = 0;
    peer.onRequest = (socket) => {
      if (++seen === 3) socket.destroy();
    };
    const pending = [1, 2, 3].map(() => connection.request(Metadata, {}).catch((e) => e));
    for (const error of await Promise.all(pending)) {
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.retriable).toBe(true);
      expect(error.message).toMatch(
        new RegExp(
          `Metadata v${METADATA_MAX} \\(correlation id \\d+\\) got no response: the broker closed the connection`,
        ),
      );
    }
    const reason = await closed;
    expect(reason).toBeInstanceOf(ConnectionError);
    await expect(connection.request(Metadata, {})).rejects.toThrow(
      `connection is closed; Metadata v${METADATA_MAX} was not sent`,
    );
    // A listener added after the end still hears of it, with the same reason.
    expect(await new Promise((resolve) => connection.onClose(resolve))).toBe(reason);
  });

  it('fails only the request whose response does not decode, and keeps the connection', async () => {
    peer = new ScriptedPeer(true);
    const connection = await BrokerConnection.connect(await peer.listen(), options);
    let answered = 0;
    peer.onRequest = (socket, _apiKey, correlationId, version) => {
      if (answered++ === 0) {
        // A well-framed answer whose body is cut short: a broker bug, not a broken stream.
        const frame = Buffer.alloc(10);
        frame.writeInt32BE(6, 0);
        frame.writeInt32BE(correlationId, 4);
        socket.write(frame);
      } else {
        socket.write(encodeResponseFrame(Metadata, version, correlationId, {}));
      }
    };
    const broken = await connection.request(Metadata, {}).catch((e) => e);
    expect(broken).toBeInstanceOf(ProtocolError);
    expect(broken.message).toContain('MetadataResponse');
    expect(await connection.request(Metadata, {})).toMatchObject({ brokers: [], topics: [] });
    expect(connection.closed).toBe(false);
    await connection.close();
  });

  it('closes the connection on a negative frame size, failing what is pending as retriable', async () => {
    peer = new ScriptedPeer(true);
    const connection = await BrokerConnection.connect(await peer.listen(), options);
    peer.onRequest = (socket) => socket.write(Buffer.from([0xff, 0xff, 0xff, 0xf0]));
    const error = await connection.request(Metadata, {}).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.retriable).toBe(true);
    expect(error.message).toContain('unreadable response stream: frame size -16 is negative');
    expect(connection.closed).toBe(true);
  });

  it('keeps at most maxInFlightRequests written and writes the next when a response frees a slot', async () => {
    peer = new ScriptedPeer(true);
    const connection = await BrokerConnection.connect(await peer.listen(), {
      ...options,
      maxInFlightRequests: 2,
    });
    const held: { id: number; version: number }[] = [];
    let received = 0;
    let mostHeld = 0;
    peer.onRequest = (socket, _apiKey, correlationId, version) => {
      held.push({ id: correlationId, version });
      received++;
      mostHeld = Math.max(mostHeld, held.length);
      // Answers are deferred, so requests written together (a broken limit) would all be held at once.
      const answer = (count: number): void => {
        for (const request of held.splice(0, count)) {
          socket.write(encodeResponseFrame(Metadata, request.version, request.id, {}));
        }
      };
      if (received === 5) setImmediate(answer, held.length);
      else if (held.length === 2) setImmediate(answer, 1);
    };
    const bodies = await Promise.all([1, 2, 3, 4, 5].map(() => connection.request(Metadata, {})));
    expect(bodies).toHaveLength(5);
    expect(received).toBe(5);
    expect(mostHeld).toBe(2);
    await connection.close();
  });

  it('fails connect with a retriable ConnectionError naming the address that refuses', async () => {
    peer = new ScriptedPeer(true);
    const address = await peer.listen();
    await peer.close();
    const error = await BrokerConnection.connect(address, options).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.retriable).toBe(true);
    expect(error.message).toContain(`broker 127.0.0.1:${address.port}: connect failed`);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('rejects pending requests as retriable when the client closes, and tells listeners without an error', async () => {
    peer = new ScriptedPeer(true);
    const connection = await BrokerConnection.connect(await peer.listen(), options);
    const closed = new Promise<Error | undefined>((resolve) => connection.onClose(resolve));
    const pending = connection.request(Metadata, {}).catch((e) => e);
    await connection.close();
    const error = await pending;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.retriable).toBe(true);
    expect(error.message).toContain('the client closed the connection');
    expect(await closed).toBeUndefined();
  });
});
