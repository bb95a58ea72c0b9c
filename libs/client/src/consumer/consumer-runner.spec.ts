import { encodeRecordBatch } from '@runnel/protocol';
import type { ConsumerMessage } from './consumer-message.js';
import { ConsumerRunner } from './consumer-runner.js';
import { scanFetchedRecords } from './fetched-records.js';
import { type FetchedChunk, PartitionState } from './partition-state.js';

type State = PartitionState<Buffer | null, Buffer | null>;
type Chunk = FetchedChunk<Buffer | null, Buffer | null>;

/** A chunk already decoded, so the runner hands it straight to the handler. */
function chunk(state: State, offsets: number[]): Chunk {
  const messages: ConsumerMessage[] = offsets.map((o) => ({
    key: null,
    value: null,
    headers: {},
    timestamp: 0,
    offset: BigInt(o),
  }));
  return {
    batches: [],
    fromOffset: BigInt(offsets[0]!),
    messages,
    nextOffset: BigInt(offsets.at(-1)! + 1),
    highWatermark: 100n,
    bytes: 10,
    fetchEpoch: state.fetchEpoch,
  };
}

function partition(p: number): State {
  const state = new PartitionState<Buffer | null, Buffer | null>('t', p);
  state.startAt(0n);
  return state;
}

/** A handler whose calls wait until released, recording start and end. */
function gatedHandler(log: string[]) {
  const gates = new Map<string, () => void>();
  const handler = async (state: State, c: Chunk) => {
    const name = `p${state.partition}@${c.messages![0]!.offset}`;
    log.push(`start ${name}`);
    await new Promise<void>((resolve) => gates.set(name, resolve));
    log.push(`end ${name}`);
  };
  const release = async (name: string) => {
    gates.get(name)!();
    gates.delete(name);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { handler, release };
}

const noDeserializers = {};

describe('ConsumerRunner', () => {
  it('handles at most `concurrency` partitions at once and one chunk per partition at a time', async () => {
    const log: string[] = [];
    const { handler, release } = gatedHandler(log);
    const runner = new ConsumerRunner<Buffer | null, Buffer | null>(
      2,
      handler,
      noDeserializers,
      () => {},
      () => {},
    );
    const [a, b, c] = [partition(0), partition(1), partition(2)];
    for (const s of [a, b, c]) s.push(chunk(s, [0]));
    a.push(chunk(a, [1]));
    for (const s of [a, b, c]) runner.schedule(s);
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['start p0@0', 'start p1@0']);
    await release('p0@0');
    // p0's next chunk waits behind p2, which was ready first: a busy partition cannot starve others.
    expect(log).toEqual(['start p0@0', 'start p1@0', 'end p0@0', 'start p2@0']);
    await release('p1@0');
    expect(log.slice(4)).toEqual(['end p1@0', 'start p0@1']);
    await release('p2@0');
    await release('p0@1');
    expect(runner.isIdle).toBe(true);
  });

  it('tells the fetch side each time a chunk leaves a queue', async () => {
    const took: number[] = [];
    const runner = new ConsumerRunner<Buffer | null, Buffer | null>(
      1,
      async () => {},
      noDeserializers,
      (state) => took.push(state.queue.length),
      () => {},
    );
    const a = partition(0);
    a.push(chunk(a, [0]));
    a.push(chunk(a, [1]));
    runner.schedule(a);
    await runner.idle([a]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(took).toEqual([1, 0]);
  });

  it('stops at the first failure: reports it once, starts nothing more, lets the running chunk finish', async () => {
    const log: string[] = [];
    const failures: unknown[] = [];
    let releaseSlow!: () => void;
    const runner = new ConsumerRunner<Buffer | null, Buffer | null>(
      2,
      async (state, c) => {
        log.push(`p${state.partition}@${c.messages![0]!.offset}`);
        if (state.partition === 0) throw new Error('boom');
        await new Promise<void>((resolve) => {
          releaseSlow = resolve;
        });
      },
      noDeserializers,
      () => {},
      (error) => failures.push(error),
    );
    const [a, b] = [partition(0), partition(1)];
    b.push(chunk(b, [0]));
    a.push(chunk(a, [0]));
    a.push(chunk(a, [1]));
    runner.schedule(b);
    runner.schedule(a);
    await new Promise((resolve) => setImmediate(resolve));
    expect(failures).toEqual([new Error('boom')]);
    expect(runner.isRunning).toBe(false);
    const stopped = runner.stop();
    releaseSlow();
    await stopped;
    expect(log).toEqual(['p1@0', 'p0@0']);
  });

  it('does not hand over a paused partition until it is scheduled again unpaused', async () => {
    const handled: number[] = [];
    const runner = new ConsumerRunner<Buffer | null, Buffer | null>(
      1,
      async (state) => {
        handled.push(state.partition);
      },
      noDeserializers,
      () => {},
      () => {},
    );
    const a = partition(0);
    a.push(chunk(a, [0]));
    a.paused = true;
    runner.schedule(a);
    await runner.idle();
    expect(handled).toEqual([]);
    a.paused = false;
    runner.schedule(a);
    await new Promise((resolve) => setImmediate(resolve));
    expect(handled).toEqual([0]);
  });

  it('decodes an uncompressed chunk and hands it over in one go, before the next partition is decoded', async () => {
    const log: string[] = [];
    const runner = new ConsumerRunner<Buffer | null, string>(
      2,
      async (state, c) => {
        log.push(`handle p${state.partition} (${c.messages!.map((m) => m.value).join(',')})`);
        await new Promise((resolve) => setImmediate(resolve));
      },
      {
        valueDeserializer: {
          deserialize: (bytes, context) => {
            log.push(`decode p${context?.partition}`);
            return bytes!.toString();
          },
        },
      },
      () => {},
      () => {},
    );
    const states = [0, 1].map((p) => new PartitionState<Buffer | null, string>('t', p));
    for (const s of states) {
      s.startAt(0n);
      const bytes = await encodeRecordBatch({
        records: [
          { value: Buffer.from(`a${s.partition}`), timestamp: 1 },
          { value: Buffer.from(`b${s.partition}`), timestamp: 2 },
        ],
      });
      const { batches, nextOffset } = await scanFetchedRecords(bytes, 0n, null);
      s.push({
        batches,
        fromOffset: 0n,
        messages: undefined,
        nextOffset,
        highWatermark: 2n,
        bytes: bytes.length,
        fetchEpoch: s.fetchEpoch,
      });
    }
    for (const s of states) runner.schedule(s);
    await runner.idle();
    // A chunk's messages live from its decode to its handler's end: the second partition's are
    // made only once the first partition's handler has them (so fewer are alive at once).
    expect(log).toEqual([
      'decode p0',
      'decode p0',
      'handle p0 (a0,b0)',
      'decode p1',
      'decode p1',
      'handle p1 (a1,b1)',
    ]);
  });
});
