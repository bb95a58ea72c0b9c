import { AlterClientQuotas, DescribeClientQuotas, ErrorCode } from '@runnel/protocol';
import { eventually, TestCluster } from './cluster-support/test-cluster.js';
import { RawClient } from './support/raw-client.js';

/** Sets `key` of client id `clientId` through `client`; fails on any error code. */
async function setQuota(client: RawClient, clientId: string, key: string, value: number): Promise<void> {
  const { entries } = await client.request(AlterClientQuotas, 1, {
    entries: [
      { entity: [{ entityType: 'client-id', entityName: clientId }], ops: [{ key, value, remove: false }] },
    ],
    validateOnly: false,
  });
  expect(entries[0]!.errorCode).toBe(ErrorCode.NONE);
}

/** Every entity a broker describes, as `client-id=name key=value ...` lines, sorted. */
async function describedBy(client: RawClient): Promise<string[]> {
  const { entries } = await client.request(DescribeClientQuotas, 1, { components: [], strict: false });
  return (entries ?? [])
    .map((e) =>
      [
        ...e.entity.map((c) => `${c.entityType}=${c.entityName}`),
        ...e.values.map((v) => `${v.key}=${v.value}`),
      ].join(' '),
    )
    .sort();
}

describe('client quotas in a cluster', () => {
  let cluster: TestCluster;
  let clients: RawClient[];

  beforeEach(async () => {
    cluster = await TestCluster.start(2);
    clients = await Promise.all([1, 2].map((id) => RawClient.connect(cluster.members.get(id)!.broker.port)));
  }, 30_000);
  afterEach(async () => {
    for (const client of clients) client.close();
    await cluster.stop();
  });

  it('are kept in etcd: what one broker is told the other holds, concurrent alterations both land, and they survive a restart', async () => {
    const [first, second] = clients as [RawClient, RawClient];
    await setQuota(first, 'app', 'producer_byte_rate', 1000);
    await eventually(async () =>
      expect(await describedBy(second)).toEqual(['client-id=app producer_byte_rate=1000']),
    );

    // Both at once: the transaction on the key's revision makes the loser write again on top.
    await Promise.all([
      setQuota(first, 'a', 'consumer_byte_rate', 1),
      setQuota(second, 'b', 'consumer_byte_rate', 2),
    ]);
    const all = [
      'client-id=a consumer_byte_rate=1',
      'client-id=app producer_byte_rate=1000',
      'client-id=b consumer_byte_rate=2',
    ];
    for (const client of clients)
      await eventually(async () => expect(await describedBy(client)).toEqual(all));

    second.close();
    await cluster.stopBroker(2);
    const restarted = await cluster.startBroker(2);
    clients[1] = await RawClient.connect(restarted.port);
    expect(await describedBy(clients[1])).toEqual(all);
  }, 30_000);
});
