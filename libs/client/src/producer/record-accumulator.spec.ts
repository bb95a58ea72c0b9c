import { CompressionType, decodeRecordBatch } from '@runnel/protocol';
import { BufferPool } from './buffer-pool.js';
import { PendingSend } from './pending-send.js';
import type { ProducerBatch } from './producer-batch.js';
import { AppendResult, RecordAccumulator } from './record-accumulator.js';

const BATCH_SIZE = 1024;
const LINGER_MS = 5;
const VALUE = Buffer.alloc(100, 7);

function setup(options: { idempotent?: boolean; memory?: number } = {}) {
  const pool = new BufferPool(options.memory ?? 64 * 1024, BATCH_SIZE);
  const closed: string[] = [];
  const accumulator = new RecordAccumulator(
    {
      batchSize: BATCH_SIZE,
      lingerMs: LINGER_MS,
      compression: CompressionType.None,
      idempotent: options.idempotent ?? false,
    },
    pool,
    (topic, partition) => closed.push(`${topic}-${partition}`),
  );
  return { pool, accumulator, closed };
}

function appendMany(
  accumulator: RecordAccumulator,
  send: PendingSend,
  partition: number,
  count: number,
  now = 0,
): void {
  for (let i = 0; i < count; i++) {
    expect(
      accumulator.appendTo(accumulator.queue('t', partition), null, VALUE, undefined, 0, send, i, now, false),
    ).toBe(AppendResult.APPENDED);
  }
}

describe('RecordAccumulator', () => {
  it('makes the queues of every partition of a topic at once, grows them with the partition count and keeps the ones it made', () => {
    const { accumulator } = setup();
    const three = accumulator.partitionsOf('t', 3);
    expect(three.map((q) => [q.topic, q.partition])).toEqual([
      ['t', 0],
      ['t', 1],
      ['t', 2],
    ]);
    expect(accumulator.queue('t', 1)).toBe(three[1]);
    const send = new PendingSend('t', 1, 0);
    expect(accumulator.appendTo(three[2]!, null, VALUE, undefined, 0, send, 0, 0, false)).toBe(
      AppendResult.APPENDED,
    );
    const five = accumulator.partitionsOf('t', 5);
    expect(five).toHaveLength(5);
    expect(five[2]).toBe(three[2]);
    expect(five[2]!.open?.recordCount).toBe(1);
    expect(accumulator.partitionsOf('t', 2)).toBe(five);
    expect([...accumulator.queues()]).toHaveLength(5);
  });

  it('closes a batch when a record no longer fits batchSize and tells the partitioner', () => {
    const { accumulator, closed } = setup();
    const send = new PendingSend('t', 20, 0);
    appendMany(accumulator, send, 0, 20);
    const q = accumulator.queue('t', 0);
    expect(q.queued).toHaveLength(2); // ~9 records of ~106 bytes per 1 KiB batch
    expect(q.queued.every((b) => b.sizeInBytes <= BATCH_SIZE)).toBe(true);
    expect(closed).toEqual(['t-0', 't-0']);
    expect(q.open!.recordCount + q.queued.reduce((n, b) => n + b.recordCount, 0)).toBe(20);
  });

  it('with abortOnNewBatch, closes the full batch and appends nothing, so the record can be placed again', () => {
    const { accumulator, closed } = setup();
    const send = new PendingSend('t', 20, 0);
    let i = 0;
    while (
      accumulator.appendTo(accumulator.queue('t', 0), null, VALUE, undefined, 0, send, i, 0, true) ===
      AppendResult.APPENDED
    )
      i++;
    expect(closed).toEqual(['t-0']);
    expect(accumulator.queue('t', 0).open).toBeUndefined();
    expect(accumulator.appendTo(accumulator.queue('t', 1), null, VALUE, undefined, 0, send, i, 0, true)).toBe(
      AppendResult.APPENDED,
    );
  });

  it('an open batch is sendable after lingerMs, a closed one at once, or at once while flushing', () => {
    const { accumulator } = setup();
    const send = new PendingSend('t', 1, 0);
    accumulator.appendTo(accumulator.queue('t', 0), null, VALUE, undefined, 0, send, 0, 100, false);
    const q = accumulator.queue('t', 0);
    expect(accumulator.sendableAt(q, 101)).toBe(100 + LINGER_MS);
    expect(accumulator.sendableAt(q, 105)).toBe(105);
    void accumulator.flush();
    expect(accumulator.sendableAt(q, 101)).toBe(101);
  });

  it('drains one batch per partition per request, within maxRequestSize, and counts them in flight', () => {
    const { accumulator } = setup();
    const send = new PendingSend('t', 60, 0);
    for (const p of [0, 1, 2]) appendMany(accumulator, send, p, 20);
    const queues = [0, 1, 2].map((p) => accumulator.queue('t', p));
    const first = accumulator.drain(queues, 10 * 1024, 0);
    expect(first.map((b) => b.partition)).toEqual([0, 1, 2]);
    expect(queues.map((q) => q.inFlight)).toEqual([1, 1, 1]);
    const small = accumulator.drain(queues, 1500, 0);
    expect(small.map((b) => b.partition)).toEqual([0]);
  });

  it('gives a batch back its memory when it completes, and resolves a flush once its batches are done', async () => {
    const { accumulator, pool } = setup();
    const send = new PendingSend('t', 3, 0);
    appendMany(accumulator, send, 0, 3);
    expect(pool.reserved).toBe(BATCH_SIZE);
    let flushed = false;
    const flush = accumulator.flush().then(() => {
      flushed = true;
    });
    const [batch] = accumulator.drain([accumulator.queue('t', 0)], 1 << 20, 0);
    await Promise.resolve();
    expect(flushed).toBe(false);
    accumulator.finish(batch!, true);
    batch!.complete(40n, -1);
    await flush;
    expect(pool.reserved).toBe(0);
    expect((await send.promise).map((m) => m.offset)).toEqual([40n, 41n, 42n]);
  });

  it('asks for memory when a new batch does not fit bufferMemory', () => {
    const { accumulator } = setup({ memory: 1500 });
    const send = new PendingSend('t', 30, 0);
    let result: AppendResult = AppendResult.APPENDED;
    let i = 0;
    for (; i < 30 && result === AppendResult.APPENDED; i++) {
      result = accumulator.appendTo(accumulator.queue('t', 0), null, VALUE, undefined, 0, send, i, 0, false);
    }
    expect(result).toBe(AppendResult.MEMORY_NEEDED);
    expect(accumulator.neededBytes).toBe(BATCH_SIZE);
  });

  it('idempotent: a retried batch goes back before the later ones, and sending holds until all in flight returned', async () => {
    const { accumulator } = setup({ idempotent: true });
    const send = new PendingSend('t', 40, 0);
    appendMany(accumulator, send, 0, 40);
    const q = accumulator.queue('t', 0);
    const sent = [];
    for (let seq = 0; seq < 3; seq++) {
      const [b] = accumulator.drain([q], 1 << 20, 0);
      b!.bytes = await Promise.resolve(
        b!.seal({ producerId: 1n, producerEpoch: 0, baseSequence: seq * 100 }),
      );
      sent.push(b!);
    }
    accumulator.requeue(sent[1]!, 0);
    expect(accumulator.sendableAt(q, 0)).toBe(-1); // sent[0] and sent[2] are still in flight
    accumulator.requeue(sent[2]!, 0);
    accumulator.finish(sent[0]!, true);
    expect(q.sequences.lastAckedSequence).toBe(sent[0]!.recordCount - 1);
    expect(q.queued.slice(0, 2)).toEqual([sent[1], sent[2]]);
    expect(accumulator.sendableAt(q, 0)).toBe(0);
  });

  it('idempotent: after a batch is refused for good, the queued ones are numbered again from the last acknowledged sequence', async () => {
    const { accumulator } = setup({ idempotent: true });
    const send = new PendingSend('t', 30, 0);
    appendMany(accumulator, send, 0, 30);
    const q = accumulator.queue('t', 0);
    const [refused] = accumulator.drain([q], 1 << 20, 0);
    refused!.bytes = refused!.seal({ producerId: 1n, producerEpoch: 0, baseSequence: 0 }) as Buffer;
    const [next] = accumulator.drain([q], 1 << 20, 0);
    next!.bytes = next!.seal({
      producerId: 1n,
      producerEpoch: 0,
      baseSequence: refused!.recordCount,
    }) as Buffer;
    q.sequences.nextSequence = refused!.recordCount + next!.recordCount;
    accumulator.finish(refused!, false);
    accumulator.requeue(next!, 0);
    expect(q.sequences.nextSequence).toBe(0);
    expect(next!.bytes).toBeUndefined();
    const resealed = await decodeRecordBatch(
      next!.seal({ producerId: 1n, producerEpoch: 0, baseSequence: 0 }) as Buffer,
    );
    expect(resealed.records).toHaveLength(next!.recordCount);
  });

  /** Three batches of partition 0 drained and sealed under producer id 1 at consecutive sequences. */
  function sentUnderProducerOne(accumulator: RecordAccumulator) {
    const send = new PendingSend('t', 40, 0);
    appendMany(accumulator, send, 0, 40);
    const q = accumulator.queue('t', 0);
    q.sequences.adopt(1n, 0);
    const sent = [];
    for (let i = 0; i < 3; i++) {
      const [b] = accumulator.drain([q], 1 << 20, 0);
      b!.bytes = b!.seal({
        producerId: 1n,
        producerEpoch: 0,
        baseSequence: q.sequences.nextSequence,
      }) as Buffer;
      q.sequences.nextSequence += b!.recordCount;
      sent.push(b!);
    }
    return { q, sent };
  }

  it('idempotent: after a batch fails unanswered, later sent batches keep their sequences and go one at a time; one acknowledged resolves the gap', () => {
    const { accumulator } = setup({ idempotent: true });
    const { q, sent } = sentUnderProducerOne(accumulator);
    const [failed, later, last] = sent as [ProducerBatch, ProducerBatch, ProducerBatch];
    accumulator.finish(failed, false, true);
    accumulator.requeue(later, 0);
    accumulator.requeue(last, 0);
    expect(q.queued.slice(0, 2)).toEqual([later, last]);
    expect(later.bytes).toBeDefined();
    expect(q.sequences.needsProducerId).toBe(false);
    const [again] = accumulator.drain([q], 1 << 20, 0);
    expect(again).toBe(later);
    expect(accumulator.sendableAt(q, 0)).toBe(-1); // one at a time while unresolved
    accumulator.finish(later, true);
    expect(q.sequences.unresolvedOrder).toBe(-1);
    expect(last.bytes).toBeDefined();
    expect(q.sequences.producerId).toBe(1n);
  });

  it('idempotent: the first batch after an unresolved one refused as out of order is definite, and the partition alone takes a new producer id', () => {
    const { accumulator } = setup({ idempotent: true });
    const { q, sent } = sentUnderProducerOne(accumulator);
    const [failed, later, last] = sent as [ProducerBatch, ProducerBatch, ProducerBatch];
    const other = accumulator.queue('t', 1);
    other.sequences.adopt(1n, 0);
    accumulator.finish(failed, false, true);
    // Another batch in flight: the answer may be only behind it.
    expect(q.sequences.outOfOrderIsDefinite(later)).toBe(false);
    accumulator.requeue(later, 0);
    accumulator.requeue(last, 0);
    expect(q.sequences.needsProducerId).toBe(false);
    accumulator.drain([q], 1 << 20, 0);
    expect(q.sequences.outOfOrderIsDefinite(later)).toBe(true);
    accumulator.requeue(later, 0);
    expect(accumulator.sendableAt(q, 0)).toBe(-1);
    q.sequences.adopt(2n, 0);
    expect(q.queued.slice(0, 2)).toEqual([later, last]);
    expect([later.bytes, last.bytes, q.sequences.nextSequence]).toEqual([undefined, undefined, 0]);
    expect(other.sequences.producerId).toBe(1n);
  });

  it('idempotent: a batch expired unanswered with no sent batch after it leaves nothing to ask with: a new producer id', () => {
    const { accumulator } = setup({ idempotent: true });
    const { q, sent } = sentUnderProducerOne(accumulator);
    accumulator.finish(sent[0]!, true);
    accumulator.finish(sent[1]!, true);
    accumulator.requeue(sent[2]!, 0);
    accumulator.discard(sent[2]!, true);
    expect(q.sequences.needsProducerId).toBe(true);
    expect(accumulator.sendableAt(q, 0)).toBe(-1);
  });

  it('expires the batches past deliveryTimeoutMs, oldest first, and only those', () => {
    const { accumulator } = setup();
    const send = new PendingSend('t', 30, 0);
    for (let i = 0; i < 30; i++)
      accumulator.appendTo(accumulator.queue('t', 0), null, VALUE, undefined, 0, send, i, i * 10, false);
    const q = accumulator.queue('t', 0);
    const created = [...q.queued, q.open!].map((b) => b.createdMs);
    const expired = accumulator.expired(created[1]! + 1000, 1000);
    expect(expired.map((b) => b.createdMs)).toEqual(created.slice(0, 2));
  });
});
