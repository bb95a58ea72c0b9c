import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompressionType, encodeRecordBatch, readBatchHeader } from '@runnel/protocol';
import { InvalidRecordError } from './errors.js';
import { PartitionLog } from './partition-log.js';
import { batchOfSize, readAll } from './test-support/batches.js';
import { tempDir } from './test-support/temp-dir.js';

/** A batch of one record from idempotent producer 7, epoch 0, at `sequence`. */
function idempotentBatch(sequence: number): Promise<Buffer> {
  return encodeRecordBatch({
    compression: CompressionType.None,
    producerId: 7n,
    producerEpoch: 0,
    baseSequence: sequence,
    records: [{ key: null, value: Buffer.from(`s${sequence}`), timestamp: 1_700_000_000_000n }],
  });
}

/** What a leader's log holds and a follower's log copies: high watermark held, epochs stamped, offsets kept. */
describe('PartitionLog replication', () => {
  let dir: ReturnType<typeof tempDir>;
  const logs: PartitionLog[] = [];
  const open = (name: string) => {
    const log = PartitionLog.open(join(dir.path, name));
    logs.push(log);
    return log;
  };

  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await Promise.all(logs.splice(0).map((log) => log.close()));
    dir.remove();
  });

  it('heldHighWatermarkBoundsConsumerReadsWhileFollowerReadsReachTheLogEnd', async () => {
    const leader = open('t-0');
    leader.append(await batchOfSize(2, 50, 'a'));
    leader.holdHighWatermark();
    leader.append(await batchOfSize(3, 50, 'b'));
    expect(leader.logEndOffset).toBe(5n);
    expect(leader.highWatermark).toBe(2n);
    expect(leader.latestOffset()).toBe(2n);
    // One segment read covers both batches by bytes; the one past the high watermark is cut.
    expect((await readAll(leader)).map((r) => r.value)).toEqual(['a0'.padEnd(50, '.'), 'a1'.padEnd(50, '.')]);
    const consumer = await leader.readAsync(0n, 1 << 20);
    expect(readBatchHeader(consumer.records).baseOffset).toBe(0n);
    expect(consumer.records.length).toBe(leader.read(0n, 1 << 20).records.length);
    expect((await leader.readAsync(2n, 1 << 20)).records.length).toBe(0);
    const follower = await leader.readAsync(2n, 1 << 20, true);
    expect(readBatchHeader(follower.records).baseOffset).toBe(2n);

    expect(leader.advanceHighWatermark(4n)).toBe(true);
    expect(leader.advanceHighWatermark(3n)).toBe(false);
    expect(leader.highWatermark).toBe(4n);
    // Never past the log end.
    expect(leader.advanceHighWatermark(100n)).toBe(true);
    expect(leader.highWatermark).toBe(5n);
    expect((await readAll(leader)).map((r) => r.offset)).toEqual([0n, 1n, 2n, 3n, 4n]);
  });

  it('followerKeepsTheLeadersOffsetsAndEpochsAndBuildsProducerStateFromThem', async () => {
    const leader = open('leader-0');
    for (let sequence = 0; sequence < 3; sequence++) leader.append(await idempotentBatch(sequence), 4);
    const fetched = await leader.readAsync(0n, 1 << 20, true);

    const follower = open('follower-0');
    follower.holdHighWatermark();
    expect(follower.appendAsFollower(Buffer.from(fetched.records))).toBe(3n);
    expect([...follower.batchHeaders()].map((h) => [h.baseOffset, h.partitionLeaderEpoch])).toEqual([
      [0n, 4],
      [1n, 4],
      [2n, 4],
    ]);
    // The follower, made leader, recognises a retry of the last batch as a duplicate.
    const retry = follower.validate(await idempotentBatch(2));
    expect(follower.producerState.check(retry)?.firstOffset).toBe(2n);
    expect(follower.highWatermark).toBe(0n);
  });

  it('refusesABatchThatDoesNotStartAtTheLogEnd', async () => {
    const leader = open('leader-0');
    leader.append(await batchOfSize(1, 20));
    leader.append(await batchOfSize(1, 20));
    const second = (await leader.readAsync(1n, 1 << 20, true)).records;
    const follower = open('follower-0');
    expect(() => follower.appendAsFollower(Buffer.from(second))).toThrow(InvalidRecordError);
    expect(() => follower.appendAsFollower(Buffer.from(second))).toThrow(
      'starts at offset 1, not at the log end offset 0',
    );
    expect(follower.logEndOffset).toBe(0n);
  });

  it('keepsItsLeaderEpochsInKafkasCheckpointFormatAndTruncatesATailWithItsEpochsAndProducerState', async () => {
    const log = open('t-0');
    log.append(await idempotentBatch(0), 0);
    log.append(await idempotentBatch(1), 0);
    log.append(await idempotentBatch(2), 3);
    expect(readFileSync(join(log.dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n2\n0 0\n3 2\n');
    expect(log.leaderEpochs.endOffsetFor(0, log.logEndOffset)).toEqual({ epoch: 0, endOffset: 2n });
    expect(log.leaderEpochs.endOffsetFor(2, log.logEndOffset)).toEqual({ epoch: 0, endOffset: 2n });
    expect(log.leaderEpochs.endOffsetFor(3, log.logEndOffset)).toEqual({ epoch: 3, endOffset: 3n });

    expect(log.truncateTo(2n)).toBe(2n);
    expect(log.logEndOffset).toBe(2n);
    expect(log.highWatermark).toBe(2n);
    expect(readFileSync(join(log.dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n1\n0 0\n');
    // Sequence 2 is gone: it is the next one expected again, not a duplicate.
    expect(log.producerState.check(log.validate(await idempotentBatch(2)))).toBeUndefined();
    log.append(await idempotentBatch(2), 4);
    expect((await readAll(log)).map((r) => [r.offset, r.value])).toEqual([
      [0n, 's0'],
      [1n, 's1'],
      [2n, 's2'],
    ]);
    await log.close();
    logs.splice(logs.indexOf(log), 1);
    const reopened = open('t-0');
    expect(reopened.leaderEpochs.all).toEqual([
      { epoch: 0, startOffset: 0n },
      { epoch: 4, startOffset: 2n },
    ]);
  });
});
