import type { ConsumerMessage } from './consumer-message.js';
import { type FetchedChunk, PartitionState } from './partition-state.js';
import { eachBatchHandler, eachMessageHandler, type RunContext } from './run-handlers.js';

type State = PartitionState<Buffer | null, Buffer | null>;

function message(offset: number): ConsumerMessage {
  return { key: null, value: Buffer.from(`v${offset}`), headers: {}, timestamp: 0, offset: BigInt(offset) };
}

function chunkOf(
  state: State,
  offsets: number[],
  nextOffset: number,
): FetchedChunk<Buffer | null, Buffer | null> {
  return {
    batches: [],
    fromOffset: 0n,
    messages: offsets.map(message),
    nextOffset: BigInt(nextOffset),
    highWatermark: BigInt(nextOffset),
    bytes: 1,
    fetchEpoch: state.fetchEpoch,
  };
}

function context(overrides: Partial<RunContext> = {}): RunContext {
  return {
    notePoll: () => {},
    pause: () => () => {},
    commitOffsetsIfNecessary: async () => {},
    uncommittedOffsets: () => [],
    isRunning: () => true,
    ...overrides,
  };
}

function partition(): State {
  const state = new PartitionState<Buffer | null, Buffer | null>('t', 0);
  state.startAt(0n);
  return state;
}

describe('eachMessageHandler', () => {
  it('resolves each message as its handler returns, and the chunk end (control records) after the last', async () => {
    const state = partition();
    const positions: bigint[] = [];
    const handle = eachMessageHandler(async () => {
      positions.push(state.tracker.position);
    }, context());
    await handle(state, chunkOf(state, [0, 1, 2], 4));
    expect(positions).toEqual([0n, 1n, 2n]);
    expect(state.tracker.position).toBe(4n);
  });

  it('stops before the next message once the partition is paused and puts the rest back in front', async () => {
    const state = partition();
    const seen: bigint[] = [];
    const handle = eachMessageHandler(async ({ message: m }) => {
      seen.push(m.offset);
      if (m.offset === 1n) state.paused = true;
    }, context());
    await handle(state, chunkOf(state, [0, 1, 2, 3], 4));
    expect(seen).toEqual([0n, 1n]);
    expect(state.tracker.position).toBe(2n);
    expect(state.queue[0]!.messages!.map((m) => m.offset)).toEqual([2n, 3n]);
  });

  it('drops the rest of a chunk once the partition is seeked', async () => {
    const state = partition();
    const seen: bigint[] = [];
    const handle = eachMessageHandler(async ({ message: m }) => {
      seen.push(m.offset);
      if (m.offset === 0n) state.seek(10n);
    }, context());
    await handle(state, chunkOf(state, [0, 1, 2], 3));
    expect(seen).toEqual([0n]);
    expect(state.tracker.position).toBe(10n);
  });
});

describe('eachBatchHandler', () => {
  it('does not call the handler for a chunk of control records only, but passes their offsets', async () => {
    const state = partition();
    let calls = 0;
    const handle = eachBatchHandler(
      async () => {
        calls++;
      },
      true,
      context(),
    );
    await handle(state, chunkOf(state, [], 3));
    expect(calls).toBe(0);
    expect(state.tracker.position).toBe(3n);
  });

  it('without auto resolve, counts only what the handler resolved', async () => {
    const state = partition();
    const handle = eachBatchHandler(
      async ({ resolveOffset }) => {
        resolveOffset(1n);
      },
      false,
      context(),
    );
    await handle(state, chunkOf(state, [0, 1, 2], 3));
    expect(state.tracker.position).toBe(2n);
  });

  it('wraps what the handler throws in a HandlerError naming the first offset, and resolves nothing', async () => {
    const state = partition();
    const handle = eachBatchHandler(
      async () => {
        throw new Error('nope');
      },
      true,
      context(),
    );
    await expect(handle(state, chunkOf(state, [5, 6], 7))).rejects.toThrow(
      "topic 't' partition 0 offset 5: the handler threw: nope",
    );
    expect(state.tracker.position).toBe(0n);
  });
});
