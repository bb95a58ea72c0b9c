import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiVersions, ErrorCode, OffsetForLeaderEpoch } from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { numberedRecords, produce } from './fetch-support/topic-data.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

/** One broker: every partition has had one leader epoch, 0, since it was created. */
describe('OffsetForLeaderEpoch on a single broker', () => {
  let dataDir: string;
  let broker: RunningBroker;
  let client: RawClient;

  const ask = (topic: string, leaderEpoch: number, currentLeaderEpoch = -1, version = 3) =>
    client.request(OffsetForLeaderEpoch, version, {
      replicaId: -1,
      topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch, leaderEpoch }] }],
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'runnel-epochs-'));
    broker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    client = await RawClient.connect(broker.port);
    await createTopic(client, 'epochs', 1);
    await produce(client, 'epochs', 0, numberedRecords('e', 3, Date.now()));
  });

  afterAll(async () => {
    client.close();
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is advertised at v0-4', async () => {
    const versions = await client.request(ApiVersions, 3, {
      clientSoftwareName: 'test',
      clientSoftwareVersion: '1',
    });
    expect(versions.apiKeys).toContainEqual({ apiKey: 23, minVersion: 0, maxVersion: 4 });
  });

  it('ends epoch 0, and any later one, at the log end offset; an earlier one is unknown', async () => {
    for (const version of [0, 2, 3, 4]) {
      const response = await ask('epochs', 0, -1, version);
      expect(response.topics[0]!.partitions[0]).toMatchObject({ errorCode: ErrorCode.NONE, endOffset: 3n });
    }
    expect((await ask('epochs', 7)).topics[0]!.partitions[0]).toMatchObject({
      leaderEpoch: 0,
      endOffset: 3n,
    });
    expect((await ask('epochs', -1)).topics[0]!.partitions[0]).toMatchObject({
      leaderEpoch: -1,
      endOffset: -1n,
    });
  });

  it('checks currentLeaderEpoch and names unknown partitions', async () => {
    expect((await ask('epochs', 0, 1)).topics[0]!.partitions[0]).toMatchObject({
      errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH,
      endOffset: -1n,
    });
    expect((await ask('missing', 0)).topics[0]!.partitions[0]).toMatchObject({
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    });
  });
});
