import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { decodeRequestHeaderPrefix, encodeResponseFrame, Fetch, FRAME_SIZE_PREFIX } from '@runnel/protocol';
import { ReplicaConnection } from './replica-connection.js';

const FETCH_VERSION = 12;

/** A Fetch v12 answer carrying `records` for one partition. */
function fetchResponse(correlationId: number, records: Buffer): Buffer {
  return encodeResponseFrame(Fetch, FETCH_VERSION, correlationId, {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: 'events',
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            highWatermark: 7n,
            lastStableOffset: 7n,
            logStartOffset: 0n,
            abortedTransactions: null,
            preferredReadReplica: -1,
            records,
          },
        ],
      },
    ],
  });
}

const request = {
  replicaId: 2,
  maxWaitMs: 0,
  minBytes: 1,
  maxBytes: 1 << 24,
  isolationLevel: 0,
  sessionId: 0,
  sessionEpoch: -1,
  topics: [{ topic: 'events', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 24 }] }],
  forgottenTopicsData: [],
  rackId: '',
};

/** Writes `frame` in pieces of `sizes` bytes (the rest in one), each in its own socket read: after the peer has read the one before. */
async function writeInPieces(socket: Socket, frame: Buffer, sizes: readonly number[]): Promise<void> {
  let at = 0;
  for (const size of [...sizes, frame.length]) {
    if (at >= frame.length) return;
    const piece = frame.subarray(at, Math.min(frame.length, at + size));
    at += piece.length;
    socket.write(piece);
    // Let the piece reach the other side alone rather than coalesced with the next.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('ReplicaConnection', () => {
  let server: Server;
  let answer: (socket: Socket, correlationId: number) => Promise<void>;

  beforeEach(async () => {
    server = createServer((socket) => {
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= FRAME_SIZE_PREFIX) {
          const size = pending.readInt32BE(0);
          if (pending.length < FRAME_SIZE_PREFIX + size) return;
          const { correlationId } = decodeRequestHeaderPrefix(
            pending.subarray(FRAME_SIZE_PREFIX, FRAME_SIZE_PREFIX + size),
          );
          pending = pending.subarray(FRAME_SIZE_PREFIX + size);
          void answer(socket, correlationId);
        }
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });

  afterEach(async () => {
    server.close();
  });

  const port = () => {
    const address = server.address();
    return typeof address === 'object' && address ? address.port : 0;
  };

  it('reads responses whose size prefix and body arrive split across many socket reads, one after the other', async () => {
    const large = Buffer.alloc(300_000, 7);
    const small = Buffer.from('second');
    const answers = [
      // The size prefix itself cut in 1 + 2 + 1 bytes, then the body in 1000-byte reads.
      { records: large, sizes: [1, 2, 1, ...Array.from({ length: 20 }, () => 1000)] },
      { records: small, sizes: [3] },
    ];
    answer = async (socket, correlationId) => {
      const next = answers.shift()!;
      await writeInPieces(socket, fetchResponse(correlationId, next.records), next.sizes);
    };
    const connection = await ReplicaConnection.open('127.0.0.1', port(), 'replica-fetcher-2', 5000);
    try {
      const first = await connection.request(Fetch, FETCH_VERSION, request, 10_000);
      expect(first.responses[0]!.partitions[0]!.records).toEqual(large);
      expect(first.responses[0]!.partitions[0]!.highWatermark).toBe(7n);
      const second = await connection.request(Fetch, FETCH_VERSION, request, 10_000);
      expect(second.responses[0]!.partitions[0]!.records).toEqual(small);
      expect(connection.closed).toBe(false);
    } finally {
      connection.close();
    }
  });

  it('fails the request and closes the connection when a response answers another correlation id', async () => {
    answer = async (socket, correlationId) => {
      socket.write(fetchResponse(correlationId + 1, Buffer.from('a')));
    };
    const connection = await ReplicaConnection.open('127.0.0.1', port(), 'replica-fetcher-2', 5000);
    await expect(connection.request(Fetch, FETCH_VERSION, request, 10_000)).rejects.toThrow(
      'response 2 does not answer request 1',
    );
    expect(connection.closed).toBe(true);
  });
});
