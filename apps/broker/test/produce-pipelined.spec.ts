import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, Produce } from '@runnel/protocol';
import { type RunningBroker, startBroker } from '../src/index.js';
import { batchOf, partitionResults, produceOf } from './produce-support/produce-requests.js';
import { readStoredBatches, recordsOf } from './produce-support/stored-batches.js';
import { PipelinedConnection } from './support/pipelined-connection.js';
import { RawClient } from './support/raw-client.js';
import { createTopic } from './support/topics.js';

// acks=1 answers small requests once the log's write of the turn is done and large ones at once,
// and a connection writes the answers finished in one turn together: pipelined producers on
// several connections must still get every answer in request order, each naming where its batch
// really is.
describe('Produce acks=1, pipelined on several connections', () => {
  const CONNECTIONS = 4;
  const REQUESTS = 25;
  it('answers every request of every connection in order, with the base offset its batch was stored at', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runnel-produce-pipelined-'));
    const broker: RunningBroker = await startBroker({ port: 0, httpPort: -1, dataDir, logger: false });
    const admin = await RawClient.connect(broker.port);
    await createTopic(admin, 'pipelined', 2);
    admin.close();
    const connections = await Promise.all(
      Array.from({ length: CONNECTIONS }, (_, c) =>
        PipelinedConnection.connect(broker.port, `producer-${c}`),
      ),
    );
    // Every request is written before any answer is read; request r of connection c goes to
    // partition r % 2 with (r % 3) + 1 records named c/r/i, and every fifth one is large (over
    // 256 KiB, written at once rather than at the end of the turn), so both kinds interleave.
    const requests = await Promise.all(
      connections.flatMap((_, c) =>
        Array.from({ length: REQUESTS }, async (_, r) => {
          const padding = r % 5 === 4 ? '.'.repeat(300 * 1024) : '';
          const values = Array.from({ length: (r % 3) + 1 }, (_, i) => `${c}/${r}/${i}${padding}`);
          return { c, r, partition: r % 2, values, records: await batchOf(values) };
        }),
      ),
    );
    const answers = await Promise.all(
      requests.map(({ c, partition, records }) =>
        connections[c]!.send(Produce, 8, produceOf('pipelined', [{ index: partition, records }])),
      ),
    );
    for (const connection of connections) connection.close();
    await broker.close();

    // PipelinedConnection has checked that each connection's answers came in request order.
    const stored: Map<bigint, string[]>[] = [];
    for (const partition of [0, 1]) {
      const byOffset = new Map<bigint, string[]>();
      for (const batch of await readStoredBatches(dataDir, 'pipelined', partition)) {
        byOffset.set(
          batch.header.baseOffset,
          recordsOf([batch]).map(({ value }) => value),
        );
      }
      stored.push(byOffset);
    }
    expect([...stored[0]!.values(), ...stored[1]!.values()].flat()).toHaveLength(
      requests.reduce((sum, { values }) => sum + values.length, 0),
    );
    requests.forEach(({ partition, values }, i) => {
      const [result] = partitionResults(answers[i]!);
      expect(result).toMatchObject({ index: partition, errorCode: ErrorCode.NONE });
      expect(stored[partition]!.get(result!.baseOffset)).toEqual(values);
    });
    // Within a connection, a partition's base offsets rise in request order.
    for (let c = 0; c < CONNECTIONS; c++) {
      for (const partition of [0, 1]) {
        const offsets = requests
          .map((request, i) => ({ request, offset: partitionResults(answers[i]!)[0]!.baseOffset }))
          .filter(({ request }) => request.c === c && request.partition === partition)
          .map(({ offset }) => offset);
        expect([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(offsets);
      }
    }
  });
});
