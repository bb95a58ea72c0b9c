import { encodeRecordBatch } from '@runnel/protocol';
import { dumpOffsetIndex, dumpTimeIndex } from './index-dump.js';
import { dumpLogSegment } from './log-segment-dump.js';

async function segment(): Promise<Buffer> {
  const first = await encodeRecordBatch({
    baseOffset: 0n,
    records: [
      { key: Buffer.from('k'), value: Buffer.from('v0'), timestamp: 1000 },
      { value: Buffer.from('v1'), timestamp: 1001 },
    ],
  });
  const second = await encodeRecordBatch({
    baseOffset: 2n,
    records: [{ value: null, timestamp: 2000, headers: [{ key: 'h', value: null }] }],
  });
  return Buffer.concat([first, second]);
}

describe('dumpLogSegment', () => {
  test('reads every batch header and, with records, each record', async () => {
    const dump = await dumpLogSegment(await segment(), { records: true });
    expect(dump.invalidTail).toBeNull();
    expect(dump.batches.map((b) => [b.baseOffset, b.lastOffset, b.count, b.isValid, b.maxTimestamp])).toEqual(
      [
        [0n, 1n, 2, true, 1001n],
        [2n, 2n, 1, true, 2000n],
      ],
    );
    expect(dump.batches[1]!.records).toEqual([
      {
        offset: 2n,
        timestamp: 2000n,
        keySize: -1,
        valueSize: -1,
        headerKeys: ['h'],
        key: null,
        payload: null,
      },
    ]);
  });

  test('cut at every byte: the whole batches before the cut, the rest named as invalid', async () => {
    const bytes = await segment();
    const firstSize = (await dumpLogSegment(bytes, { records: false })).batches[0]!.size;
    for (let cut = 1; cut < bytes.length; cut++) {
      const dump = await dumpLogSegment(bytes.subarray(0, cut), { records: false });
      const whole = cut >= firstSize ? 1 : 0;
      expect(dump.batches).toHaveLength(whole);
      expect(dump.validBytes).toBe(whole * firstSize);
      expect(dump.invalidTail === null).toBe(cut === firstSize);
    }
  });

  test('a CRC mismatch marks that batch invalid and does not decode its records', async () => {
    const bytes = await segment();
    bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0x01;
    const dump = await dumpLogSegment(bytes, { records: true });
    expect(dump.batches.map((b) => b.isValid)).toEqual([true, false]);
    expect(dump.batches[1]!.records).toBeUndefined();
  });
});

describe('index dumps', () => {
  const entry = (relative: number, position: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeInt32BE(relative, 0);
    b.writeInt32BE(position, 4);
    return b;
  };

  test('an all-zero entry after the first ends a preallocated index, as kafka-dump-log.sh reads it', () => {
    const dump = dumpOffsetIndex(
      Buffer.concat([entry(3, 100), entry(7, 200), Buffer.alloc(64)]),
      40n,
      undefined,
    );
    expect(dump).toEqual({
      entries: [
        { offset: 43n, position: 100 },
        { offset: 47n, position: 200 },
      ],
      problems: [],
    });
  });

  test('entries out of order, or disagreeing with the log, are problems naming the entry', async () => {
    const batches = (await dumpLogSegment(await segment(), { records: false })).batches;
    const second = batches[1]!.position;
    expect(dumpOffsetIndex(Buffer.concat([entry(2, second)]), 0n, batches).problems).toEqual([]);
    expect(dumpOffsetIndex(Buffer.concat([entry(1, second)]), 0n, batches).problems).toEqual([
      `entry 0: index offset 1 but the batch at position ${second} ends at offset 2`,
    ]);
    expect(dumpOffsetIndex(Buffer.concat([entry(5, 9), entry(4, 20)]), 0n, undefined).problems).toEqual([
      'entry 1 (offset 4, position 20) does not follow (offset 5, position 9)',
    ]);
  });

  test('time index: timestamps must grow and cover the batch they point at', async () => {
    const batches = (await dumpLogSegment(await segment(), { records: false })).batches;
    const t = (timestamp: bigint, relative: number): Buffer => {
      const b = Buffer.alloc(12);
      b.writeBigInt64BE(timestamp, 0);
      b.writeInt32BE(relative, 8);
      return b;
    };
    expect(dumpTimeIndex(Buffer.concat([t(1001n, 1), t(2000n, 2)]), 0n, batches).problems).toEqual([]);
    expect(dumpTimeIndex(t(1500n, 2), 0n, batches).problems).toEqual([
      'entry 0: timestamp 1500 is below the max timestamp 2000 of the batch ending at offset 2',
    ]);
    expect(dumpTimeIndex(Buffer.concat([t(5n, 0), t(5n, 1)]), 0n, undefined).problems).toHaveLength(1);
  });
});
