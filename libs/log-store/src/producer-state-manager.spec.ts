import { BatchAttributes, ErrorCode } from '@runnel/protocol';
import { InvalidBatchError } from './errors.js';
import {
  BATCHES_TO_RETAIN,
  lastSequenceOf,
  type ProducerBatchHeader,
  ProducerStateManager,
} from './producer-state-manager.js';

const HOUR = 3_600_000;
const NOW = 1_700_000_000_000;

/** A batch of `records` records from producer `producerId`, epoch `epoch`, starting at `baseSequence`. */
function batch(producerId: bigint, epoch: number, baseSequence: number, records = 1): ProducerBatchHeader {
  return {
    producerId,
    producerEpoch: epoch,
    baseSequence,
    lastOffsetDelta: records - 1,
    maxTimestamp: BigInt(NOW),
    attributes: 0,
  };
}

function refusal(run: () => unknown): number {
  try {
    run();
  } catch (err) {
    if (err instanceof InvalidBatchError) return err.code;
    throw err;
  }
  throw new Error('expected the batch to be refused');
}

describe('ProducerStateManager', () => {
  let state: ProducerStateManager;
  /** Checks `b` and, when it may be appended, records it at the next offset as the log would. */
  let nextOffset: bigint;
  const produce = (b: ProducerBatchHeader) => {
    const retried = state.check(b);
    if (retried) return retried.firstOffset;
    const baseOffset = nextOffset;
    state.update(b, baseOffset);
    nextOffset += BigInt(b.lastOffsetDelta + 1);
    return baseOffset;
  };

  beforeEach(() => {
    state = new ProducerStateManager('/logs/t-0');
    nextOffset = 0n;
  });

  it('accepts consecutive batches of one producer and tells each retry of them by its sequence range', () => {
    expect(produce(batch(7n, 0, 0, 3))).toBe(0n);
    expect(produce(batch(7n, 0, 3, 2))).toBe(3n);
    expect(produce(batch(7n, 0, 5, 1))).toBe(5n);
    expect(state.check(batch(7n, 0, 3, 2))).toEqual({
      firstSequence: 3,
      lastSequence: 4,
      firstOffset: 3n,
      lastOffset: 4n,
    });
    expect(produce(batch(7n, 0, 0, 3))).toBe(0n);
    expect(nextOffset).toBe(6n);
  });

  it('recognises retries of the last five batches only; an older retry is out of order', () => {
    for (let sequence = 0; sequence < BATCHES_TO_RETAIN + 1; sequence++) produce(batch(1n, 0, sequence));
    expect(state.check(batch(1n, 0, 1))?.firstOffset).toBe(1n);
    expect(refusal(() => state.check(batch(1n, 0, 0)))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('refuses a gap in the sequence with OUT_OF_ORDER_SEQUENCE_NUMBER and keeps accepting the right next batch', () => {
    produce(batch(2n, 0, 0, 4));
    expect(refusal(() => state.check(batch(2n, 0, 5)))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(state.check(batch(2n, 0, 4))).toBeUndefined();
  });

  it('does not take a batch overlapping a written one for a retry of it', () => {
    produce(batch(2n, 0, 0, 4));
    expect(refusal(() => state.check(batch(2n, 0, 0, 2)))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('accepts any first sequence from a producer it has no state for (Kafka 2.5+)', () => {
    expect(state.check(batch(3n, 0, 42))).toBeUndefined();
  });

  it('refuses an epoch older than the producer’s with INVALID_PRODUCER_EPOCH, retries included', () => {
    produce(batch(4n, 0, 0));
    produce(batch(4n, 1, 0));
    expect(refusal(() => state.check(batch(4n, 0, 1)))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(refusal(() => state.check(batch(4n, 0, 0)))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('lets a new epoch start only at sequence 0, and forgets the old epoch’s batches once it has', () => {
    produce(batch(5n, 0, 0, 2));
    expect(refusal(() => state.check(batch(5n, 1, 2)))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(produce(batch(5n, 1, 0))).toBe(2n);
    expect(produce(batch(5n, 1, 1))).toBe(3n);
  });

  it('wraps sequences from 2^31-1 to 0', () => {
    expect(lastSequenceOf(0x7ffffffe, 3)).toBe(1);
    produce(batch(6n, 0, 0x7ffffffe, 2));
    expect(state.check(batch(6n, 0, 0))).toBeUndefined();
    expect(refusal(() => state.check(batch(6n, 0, 0x80000000 - 1)))).toBe(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
  });

  it('keeps producers apart and ignores batches without a producer id', () => {
    produce(batch(8n, 0, 0));
    produce(batch(9n, 0, 10));
    expect(state.check(batch(-1n, -1, -1))).toBeUndefined();
    state.update(batch(-1n, -1, -1), 99n);
    expect(state.producerCount).toBe(2);
    expect(state.check(batch(9n, 0, 11))).toBeUndefined();
    expect(refusal(() => state.check(batch(8n, 0, 11)))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('rebuilds from batch headers the same state the appends built', () => {
    const headers = [
      { ...batch(10n, 0, 0, 2), baseOffset: 0n },
      { ...batch(-1n, -1, -1, 5), baseOffset: 2n },
      { ...batch(10n, 0, 2, 1), baseOffset: 7n },
      { ...batch(11n, 3, 0, 1), baseOffset: 8n },
    ];
    const rebuilt = new ProducerStateManager('/logs/t-0');
    for (const header of headers) rebuilt.update(header, header.baseOffset);
    expect(rebuilt.check(batch(10n, 0, 2))?.firstOffset).toBe(7n);
    expect(rebuilt.check(batch(10n, 0, 0, 2))?.firstOffset).toBe(0n);
    expect(rebuilt.check(batch(10n, 0, 3))).toBeUndefined();
    expect(refusal(() => rebuilt.check(batch(11n, 2, 1)))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('starts from the entries a snapshot kept', () => {
    produce(batch(10n, 2, 0, 2));
    const restored = new ProducerStateManager('/logs/t-0', state.entries());
    expect(restored.check(batch(10n, 2, 0, 2))?.firstOffset).toBe(0n);
    expect(refusal(() => restored.check(batch(10n, 1, 2)))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('carries a control batch’s epoch forward without remembering it as a data batch', () => {
    produce(batch(12n, 0, 0));
    state.update({ ...batch(12n, 1, -1), attributes: BatchAttributes.CONTROL }, 1n);
    expect(refusal(() => state.check(batch(12n, 0, 1)))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(state.check(batch(12n, 1, 0))).toBeUndefined();
  });

  it('forgets producers silent for the expiration time', () => {
    produce(batch(13n, 0, 0));
    expect(state.removeExpiredProducers(NOW + 24 * HOUR - 1, 24 * HOUR)).toBe(0);
    expect(state.producerCount).toBe(1);
    expect(state.removeExpiredProducers(NOW + 24 * HOUR, 24 * HOUR)).toBe(1);
    expect(state.producerCount).toBe(0);
    expect(state.check(batch(13n, 0, 5))).toBeUndefined();
  });

  it('names the log, the producer and both sequences when it refuses a batch', () => {
    produce(batch(15n, 0, 0));
    expect(() => state.check(batch(15n, 0, 5))).toThrow(
      'log /logs/t-0: OUT_OF_ORDER_SEQUENCE_NUMBER (45): Out of order sequence number for producer 15: 5 (incoming seq. number), 0 (current end sequence number)',
    );
  });
});
