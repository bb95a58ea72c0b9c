import { type LatencyEnds, type LatencySink, measureLatency } from './latency.js';
import type { PeerContext } from './peer.js';
import { sequenceOf, Workload } from './workload.js';

const context: PeerContext = {
  workload: new Workload(1000),
  latencyRate: 2000,
  warmupSeconds: 0,
  latencySeconds: 1,
  dataDir: '/nonexistent',
};

/** Ends that hand each record back after `delayMs`, recording what was sent. */
function loopback(
  delayMs: number,
  sent: number[],
  deliver = (sink: LatencySink, seq: number) => sink.received(seq),
) {
  return async (sink: LatencySink): Promise<LatencyEnds> => ({
    send(records, first) {
      records.forEach((record, i) => {
        expect(sequenceOf(record)).toBe(first + i);
        sent.push(first + i);
        setTimeout(() => deliver(sink, first + i), delayMs);
      });
    },
    close: async () => undefined,
  });
}

describe('measureLatency', () => {
  it('sends the handshake record, then rate x seconds more in order, and times their round trips', async () => {
    const sent: number[] = [];
    const { p50, p99 } = await measureLatency(context, loopback(5, sent));
    expect(sent).toEqual(Array.from({ length: 2001 }, (_, i) => i));
    expect(p50).toBeGreaterThanOrEqual(4.5);
    expect(p99).toBeGreaterThanOrEqual(p50);
  });

  it('fails when a record arrives twice', async () => {
    const twice = (sink: LatencySink, seq: number) => {
      sink.received(seq);
      if (seq === 10) sink.received(seq);
    };
    await expect(measureLatency(context, loopback(0, [], twice))).rejects.toThrow(
      'latency phase received record 10, which was not sent or came twice',
    );
  });

  it('fails with the receiver error, and closes the ends', async () => {
    let closed = false;
    const failing = async (sink: LatencySink): Promise<LatencyEnds> => ({
      send: () => sink.fail(new Error('broker went away')),
      close: async () => {
        closed = true;
      },
    });
    await expect(measureLatency(context, failing)).rejects.toThrow('broker went away');
    expect(closed).toBe(true);
  });
});
