import {
  AckPolicy,
  connect,
  DeliverPolicy,
  type JetStreamClient,
  type NatsConnection,
  StorageType,
} from 'nats';
import { measureLatency } from './latency.js';
import type { Figures, Peer, PeerContext } from './peer.js';
import { findExecutable, portIn, startServer } from './processes.js';
import { sendWindowed, timed } from './throughput.js';
import { sequenceOf } from './workload.js';

const NATS_SERVER = 'nats-server';
/** Publishes awaiting their ack at once in the throughput phase; messages per pull request. */
const PUBLISHES_IN_FLIGHT = 256;
const PULL_BATCH = 10_000;

/**
 * NATS JetStream on Debian's nats-server (`-js -sd <tmp> -p -1`: a random port it reports),
 * a stream of one subject with file storage and the server's default sync: a message is acked
 * once in the stream's write cache, which a flusher writes to the block file within milliseconds,
 * and block files are fsynced every 2 minutes (filestore.go's defaultSyncInterval), not per
 * message. Published with the `nats` client's JetStream publish, PUBLISHES_IN_FLIGHT
 * acks outstanding; read back by a durable pull consumer (`consume()`, pulls of PULL_BATCH, no acks).
 */
export const natsJetStreamPeer: Peer = {
  id: 'nats_jetstream.file',
  system: 'NATS JetStream',
  label: 'NATS JetStream, file storage',
  client: `nats.js, async publish (${PUBLISHES_IN_FLIGHT} acks in flight), pull consumer`,
  durability:
    'file storage: acked from the write cache (in the file within ms), fsync every 2 min (its default sync interval)',
  missing: () =>
    findExecutable(NATS_SERVER) === undefined
      ? `${NATS_SERVER} is not on PATH (Debian: apt-get install nats-server)`
      : undefined,
  async run(context) {
    const server = await startServer(
      NATS_SERVER,
      ['-js', '-sd', context.dataDir, '-a', '127.0.0.1', '-p', '-1'],
      portIn(/Listening for client connections on [^:]+:(\d+)/),
    );
    let nc: NatsConnection | undefined;
    try {
      nc = await connect({ servers: `127.0.0.1:${server.ready}` });
      return await measure(nc, context);
    } finally {
      await nc?.close();
      await server.stop();
    }
  },
};

async function addStream(nc: NatsConnection, name: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name, subjects: [name], storage: StorageType.File });
  await jsm.consumers.add(name, {
    durable_name: 'bench',
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
  });
}

/** Delivers every message of stream `name` to `onMessage` until it returns false; resolves then. */
async function pull(
  js: JetStreamClient,
  name: string,
  onMessage: (data: Uint8Array) => boolean,
): Promise<void> {
  const consumer = await js.consumers.get(name, 'bench');
  const messages = await consumer.consume({ max_messages: PULL_BATCH });
  for await (const message of messages) {
    if (!onMessage(message.data)) break;
  }
  messages.stop();
}

async function measure(nc: NatsConnection, context: PeerContext): Promise<Figures> {
  const { workload } = context;
  const js = nc.jetstream();
  await addStream(nc, 'peers');
  const produce = await timed(workload.records, () =>
    sendWindowed(workload.records, PUBLISHES_IN_FLIGHT, (i) => js.publish('peers', workload.record(i))),
  );
  const info = await (await nc.jetstreamManager()).streams.info('peers');
  if (info.state.messages !== workload.records)
    throw new Error(`stream peers holds ${info.state.messages} messages after ${workload.records} publishes`);

  let read = 0;
  const consume = await timed(workload.records, () => pull(js, 'peers', () => ++read < workload.records));
  if (read !== workload.records)
    throw new Error(`pull consumer read ${read} messages of ${workload.records}`);

  await addStream(nc, 'peers-latency');
  const latency = await measureLatency(context, async (sink) => {
    let open = true;
    // close() publishes one more message so that a consumer waiting for the next one sees `open` false.
    const reading = pull(js, 'peers-latency', (data) => {
      if (!open) return false;
      sink.received(sequenceOf(data));
      return true;
    });
    reading.catch(sink.fail);
    return {
      send(records) {
        for (const record of records) js.publish('peers-latency', record).catch(sink.fail);
      },
      async close() {
        open = false;
        await js.publish('peers-latency', Buffer.from('end')).catch(() => undefined);
        await reading.catch(() => undefined);
      },
    };
  });
  return { produce, consume, latencyP50: latency.p50, latencyP99: latency.p99 };
}
