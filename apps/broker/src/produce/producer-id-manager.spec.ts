import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLUSTER_RANGE_SIZE, PRODUCER_ID_BLOCK_SIZE, ProducerIdManager } from './producer-id-manager.js';

describe('ProducerIdManager', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-producer-ids-'));
  });

  const stored = () => JSON.parse(readFileSync(join(dataDir, 'producer-ids.json'), 'utf8'));

  it('hands out consecutive ids from 0, reserving a block before its first id', () => {
    const manager = ProducerIdManager.open(dataDir);
    expect([0, 1, 2].map(() => manager.generateProducerId())).toEqual([0n, 1n, 2n]);
    expect(stored()).toEqual({ formatVersion: 1, nextBlockStart: PRODUCER_ID_BLOCK_SIZE.toString() });
  });

  it('reserves the next block when one runs out', () => {
    const manager = ProducerIdManager.open(dataDir);
    for (let i = 0n; i < PRODUCER_ID_BLOCK_SIZE; i++) manager.generateProducerId();
    expect(manager.generateProducerId()).toBe(PRODUCER_ID_BLOCK_SIZE);
    expect(stored().nextBlockStart).toBe((2n * PRODUCER_ID_BLOCK_SIZE).toString());
  });

  it('never gives an id of an earlier run again, even when that run stopped mid-block', () => {
    const first = ProducerIdManager.open(dataDir);
    const earlier = [first.generateProducerId(), first.generateProducerId()];
    const second = ProducerIdManager.open(dataDir);
    const next = second.generateProducerId();
    expect(next).toBe(PRODUCER_ID_BLOCK_SIZE);
    expect(earlier.every((id) => id < next)).toBe(true);
  });

  it('gives each broker of a cluster ids of its own range, so two brokers never give the same one', () => {
    const other = mkdtempSync(join(tmpdir(), 'runnel-producer-ids-'));
    const broker1 = ProducerIdManager.open(dataDir, 1);
    const broker2 = ProducerIdManager.open(other, 2);
    expect([broker1.generateProducerId(), broker1.generateProducerId()]).toEqual([
      CLUSTER_RANGE_SIZE,
      CLUSTER_RANGE_SIZE + 1n,
    ]);
    expect(broker2.generateProducerId()).toBe(2n * CLUSTER_RANGE_SIZE);
    // A restart goes on in the same range, past the block the earlier run reserved.
    expect(ProducerIdManager.open(dataDir, 1).generateProducerId()).toBe(
      CLUSTER_RANGE_SIZE + PRODUCER_ID_BLOCK_SIZE,
    );
  });

  it("refuses to go past the end of a cluster broker's range, naming it", () => {
    writeFileSync(
      join(dataDir, 'producer-ids.json'),
      `{"formatVersion":1,"nextBlockStart":"${CLUSTER_RANGE_SIZE - 1n}"}`,
    );
    expect(() => ProducerIdManager.open(dataDir, 3).generateProducerId()).toThrow(
      `producer ids are exhausted: the next block would end at ${4n * CLUSTER_RANGE_SIZE - 1n + PRODUCER_ID_BLOCK_SIZE}, above ${4n * CLUSTER_RANGE_SIZE - 1n}`,
    );
  });

  it('refuses a file it cannot read, naming it', () => {
    writeFileSync(join(dataDir, 'producer-ids.json'), '{"formatVersion":1,"nextBlockStart":-5}');
    expect(() => ProducerIdManager.open(dataDir)).toThrow(/producer-ids\.json has nextBlockStart -5/);
  });
});
