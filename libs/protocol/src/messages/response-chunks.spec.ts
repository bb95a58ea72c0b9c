import { ApiVersions } from './apis/api-versions.js';
import { Fetch } from './apis/fetch.js';
import { Produce } from './apis/produce.js';
import { encodeResponseFrame } from './frames.js';
import { chunksByteLength, encodeResponseChunks } from './response-chunks.js';
import type { InputOf, ResponseOf } from './schema.js';

type FetchResponse = InputOf<ResponseOf<typeof Fetch>>;

/** Mulberry32: a small seeded generator, so a failing case can be replayed from its seed. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lengths around the varint and int16 edges a length prefix crosses, and some ordinary ones. */
const RECORD_SIZES = [1, 61, 126, 127, 128, 129, 1000, 16_382, 16_383, 16_384, 70_000];

function randomFetchResponse(
  random: () => number,
  version: number,
): { body: FetchResponse; records: Buffer[] } {
  const int = (n: number) => Math.floor(random() * n);
  const records: Buffer[] = [];
  let shared: Buffer | undefined;
  const recordsValue = (): Buffer | null => {
    const kind = int(6);
    if (kind === 0) return null;
    if (kind === 1) return Buffer.alloc(0);
    if (kind === 2 && shared) return shared; // the same Buffer in two partitions
    const size = RECORD_SIZES[int(RECORD_SIZES.length)]!;
    const backing = Buffer.alloc(size + 8, int(256));
    // Sometimes a view into a larger buffer, as a read trimmed to whole batches is.
    const bytes = int(2) === 0 ? backing.subarray(0, size) : backing.subarray(3, size + 3);
    shared = bytes;
    records.push(bytes);
    return bytes;
  };
  const body: FetchResponse = {
    throttleTimeMs: int(1000),
    errorCode: int(4) === 0 ? 70 : 0,
    sessionId: int(2) === 0 ? 0 : int(2 ** 31),
    responses: Array.from({ length: int(5) }, (_, t) => ({
      topic: `topic-${t}-${'x'.repeat(int(200))}`,
      partitions: Array.from({ length: int(6) }, (_, p) => ({
        partitionIndex: p,
        errorCode: int(3) === 0 ? 1 : 0,
        highWatermark: BigInt(int(2 ** 31)) * BigInt(int(2 ** 20)),
        lastStableOffset: BigInt(int(1000)) - 1n,
        logStartOffset: BigInt(int(1000)),
        ...(version >= 12 && int(3) === 0
          ? { divergingEpoch: { epoch: int(10), endOffset: BigInt(int(99)) } }
          : {}),
        ...(version >= 12 && int(4) === 0 ? { currentLeader: { leaderId: 1, leaderEpoch: int(5) } } : {}),
        abortedTransactions: [null, [], [{ producerId: 7n, firstOffset: 3n }]][int(3)]!,
        preferredReadReplica: int(2) === 0 ? -1 : int(3),
        records: recordsValue(),
      })),
    })),
  };
  return { body, records };
}

describe('encodeResponseChunks', () => {
  it('concatenates to encodeResponseFrame for many Fetch bodies at every served version, records by reference', () => {
    let cases = 0;
    for (let version = 4; version <= 12; version++) {
      for (let seed = 1; seed <= 60; seed++) {
        const { body, records } = randomFetchResponse(generator(version * 1000 + seed), version);
        const correlationId = seed * 7919;
        const chunks = encodeResponseChunks(Fetch, version, correlationId, body);
        const frame = encodeResponseFrame(Fetch, version, correlationId, body);
        expect(Buffer.concat(chunks).equals(frame)).toBe(true);
        expect(chunksByteLength(chunks)).toBe(frame.length);
        expect(chunks.every((chunk) => chunk.length > 0)).toBe(true);
        for (const bytes of records) expect(chunks).toContain(bytes);
        // Every byte outside the records lives in one buffer: the fields are encoded once.
        const fieldChunks = chunks.filter((chunk) => !records.includes(chunk));
        expect(new Set(fieldChunks.map((chunk) => chunk.buffer)).size).toBe(1);
        cases++;
      }
    }
    expect(cases).toBe(9 * 60);
  });

  it('passes the records Buffer itself: a change to it after encoding shows in the chunks', () => {
    const bytes = Buffer.alloc(500, 1);
    const chunks = encodeResponseChunks(Fetch, 11, 1, {
      responses: [{ topic: 't', partitions: [{ partitionIndex: 0, records: bytes }] }],
    });
    // v11 is not flexible: the records are the frame's last bytes.
    expect(chunks).toHaveLength(2);
    expect(chunks[1]).toBe(bytes);
    bytes.fill(2);
    expect(Buffer.concat(chunks).subarray(-500)).toEqual(Buffer.alloc(500, 2));
  });

  it('writes the size prefix of the whole frame, records included', () => {
    const chunks = encodeResponseChunks(Fetch, 12, 3, {
      responses: [{ topic: 't', partitions: [{ partitionIndex: 0, records: Buffer.alloc(300) }] }],
    });
    expect(chunks[0]!.readInt32BE(0)).toBe(chunksByteLength(chunks) - 4);
  });

  it('answers a response without records fields in one buffer equal to encodeResponseFrame', () => {
    const apiVersions = { errorCode: 0, apiKeys: [{ apiKey: 1, minVersion: 0, maxVersion: 12 }] };
    expect(encodeResponseChunks(ApiVersions, 3, 9, apiVersions)).toEqual([
      encodeResponseFrame(ApiVersions, 3, 9, apiVersions),
    ]);
    const produce = { responses: [{ name: 't', partitionResponses: [{ index: 0, baseOffset: 5n }] }] };
    expect(encodeResponseChunks(Produce, 8, 2, produce)).toEqual([
      encodeResponseFrame(Produce, 8, 2, produce),
    ]);
  });
});
