import { Redis } from 'ioredis';
import { measureLatency } from './latency.js';
import type { Figures, Peer, PeerContext } from './peer.js';
import { findExecutable, freePort, startServer } from './processes.js';
import { sendWindowed, timed } from './throughput.js';
import { sequenceOf } from './workload.js';

const REDIS_SERVER = 'redis-server';
/** XADDs per pipeline and pipelines outstanding in the throughput phase; entries per XREAD. */
const XADDS_PER_PIPELINE = 1000;
const PIPELINES_IN_FLIGHT = 8;
const XREAD_COUNT = 10_000;

type StreamEntries = [id: Buffer, fields: Buffer[]][];

/**
 * Redis Streams on Debian's redis-server, with RDB snapshots off (`--save ''`) and the
 * append-only file on (`appendfsync everysec`: the file is fsynced once a second, so a crash of
 * the machine may lose about the last second of writes, as Redis's docs put it) or off (memory only). Each record is one entry `XADD peers * v
 * <record>`, pipelined through ioredis; read back with `XREAD COUNT 10000` from the start.
 * Latency: one connection XADDs each record as it falls due, another waits in `XREAD BLOCK`.
 */
export function redisStreamsPeer(appendOnly: boolean): Peer {
  return {
    id: appendOnly ? 'redis_streams.aof_everysec' : 'redis_streams.no_persistence',
    system: 'Redis Streams',
    label: appendOnly ? 'Redis Streams, AOF everysec' : 'Redis Streams, no persistence',
    client: `ioredis, XADD pipelined (${XADDS_PER_PIPELINE} a pipeline, ${PIPELINES_IN_FLIGHT} in flight) / XREAD`,
    durability: appendOnly
      ? 'append-only file, appendfsync everysec: fsync once a second, so a machine crash may lose about the last second of acked writes'
      : 'in memory only (no AOF, no RDB snapshots)',
    missing: () =>
      findExecutable(REDIS_SERVER) === undefined
        ? `${REDIS_SERVER} is not on PATH (Debian: apt-get install redis-server)`
        : undefined,
    async run(context) {
      const port = await freePort();
      const server = await startServer(
        REDIS_SERVER,
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          context.dataDir,
          '--save',
          '',
          '--appendonly',
          appendOnly ? 'yes' : 'no',
          '--appendfsync',
          'everysec',
          '--protected-mode',
          'no',
        ],
        (line) => (line.includes('Ready to accept connections') ? true : undefined),
      );
      const clients: Redis[] = [];
      const client = () => {
        const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0 });
        clients.push(redis);
        return redis;
      };
      try {
        return await measure(client, context);
      } finally {
        for (const redis of clients) redis.disconnect();
        await server.stop();
      }
    },
  };
}

async function measure(client: () => Redis, context: PeerContext): Promise<Figures> {
  const { workload } = context;
  const redis = client();
  await redis.connect();
  const pipelines = Math.ceil(workload.records / XADDS_PER_PIPELINE);
  const produce = await timed(workload.records, () =>
    sendWindowed(pipelines, PIPELINES_IN_FLIGHT, async (p) => {
      const pipeline = redis.pipeline();
      const end = Math.min(workload.records, (p + 1) * XADDS_PER_PIPELINE);
      for (let i = p * XADDS_PER_PIPELINE; i < end; i++) pipeline.xadd('peers', '*', 'v', workload.record(i));
      for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
    }),
  );
  const length = await redis.xlen('peers');
  if (length !== workload.records)
    throw new Error(`stream peers holds ${length} entries after ${workload.records} XADDs`);

  let read = 0;
  const consume = await timed(workload.records, async () => {
    let last = '0-0';
    while (read < workload.records) {
      const answer = (await redis.xreadBuffer('COUNT', XREAD_COUNT, 'STREAMS', 'peers', last)) as
        | [Buffer, StreamEntries][]
        | null;
      const entries = answer?.[0]?.[1];
      if (entries === undefined || entries.length === 0) throw new Error(`XREAD ended after ${read} entries`);
      read += entries.length;
      last = entries.at(-1)![0].toString();
    }
  });

  const latency = await measureLatency(context, async (sink) => {
    const sender = client();
    const receiver = client();
    await Promise.all([sender.connect(), receiver.connect()]);
    let open = true;
    const reading = (async () => {
      let last = '0-0';
      while (open) {
        const answer = (await receiver.xreadBuffer(
          'COUNT',
          1000,
          'BLOCK',
          100,
          'STREAMS',
          'peers-latency',
          last,
        )) as [Buffer, StreamEntries][] | null;
        for (const [id, fields] of answer?.[0]?.[1] ?? []) {
          sink.received(sequenceOf(fields[1]!));
          last = id.toString();
        }
      }
    })();
    reading.catch(sink.fail);
    return {
      send(records) {
        for (const record of records) sender.xadd('peers-latency', '*', 'v', record).catch(sink.fail);
      },
      async close() {
        open = false;
        await reading.catch(() => undefined);
      },
    };
  });
  return { produce, consume, latencyP50: latency.p50, latencyP99: latency.p99 };
}
