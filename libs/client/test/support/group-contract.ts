import { ErrorCode, OffsetCommit } from '@runnel/protocol';
import type { BrokerConnection } from '../../src/connection/broker-connection.js';
import type { Consumer } from '../../src/consumer/consumer.js';
import { findGroupCoordinator } from '../../src/consumer/group/find-coordinator.js';
import { fetchGroupOffsets } from '../../src/consumer/group/offset-fetch.js';
import type { Runnel } from '../../src/runnel.js';
import {
  type ClusterDeviations,
  type Consumed,
  type ContractCluster,
  consumeCount,
  runnelOn,
  type StartContractCluster,
} from './client-contract.js';
import { expectKnownRecords, RECORDS_PER_PARTITION, writeKnownRecords } from './consumer-contract.js';

/**
 * Group timings that keep a spec quick on any broker: Kafka's smallest session timeout (its
 * `group.min.session.timeout.ms`, 6 s), since librdkafka's mock holds a join that follows a leave
 * for the session timeout less 1 s.
 */
const GROUP_TIMINGS = {
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 300,
  rebalanceTimeoutMs: 10_000,
} as const;

/** Per test: librdkafka's mock holds every group's first join for 3 s, and a test joins twice. */
const GROUP_TEST_TIMEOUT_MS = 30_000;

/** A connection to the group's coordinator, found with a FindCoordinator at the negotiated version. */
async function coordinatorOf(runnel: Runnel, groupId: string): Promise<BrokerConnection> {
  const any = await runnel.cluster.anyConnection();
  const found = await findGroupCoordinator(any, groupId);
  if (found.errorCode !== ErrorCode.NONE)
    throw new Error(`FindCoordinator ${groupId}: error ${found.errorCode}`);
  return runnel.cluster.connection(found.nodeId);
}

/**
 * Commits `offset` for every partition of `topic` as a group without members does (generation -1,
 * no member id: what `kafka-consumer-groups --reset-offsets` sends), with a raw OffsetCommit.
 */
async function presetOffsets(
  runnel: Runnel,
  groupId: string,
  topic: string,
  partitions: number,
  offset: bigint,
) {
  await runnel.cluster.connect();
  try {
    const coordinator = await coordinatorOf(runnel, groupId);
    const response = await coordinator.request(OffsetCommit, {
      groupId,
      memberId: '',
      topics: [
        {
          name: topic,
          partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({
            partitionIndex,
            committedOffset: offset,
            committedMetadata: null,
          })),
        },
      ],
    });
    const codes = response.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));
    if (codes.some((c) => c !== ErrorCode.NONE)) throw new Error(`OffsetCommit ${groupId}: ${codes}`);
  } finally {
    await runnel.cluster.disconnect();
  }
}

/** The group's committed offsets of `topic` by partition, from an OffsetFetch at the negotiated version. */
async function committedOffsets(runnel: Runnel, groupId: string, topic: string, partitions: number) {
  await runnel.cluster.connect();
  try {
    const coordinator = await coordinatorOf(runnel, groupId);
    const response = await fetchGroupOffsets(coordinator, groupId, [
      { name: topic, partitionIndexes: Array.from({ length: partitions }, (_, p) => p) },
    ]);
    const found = response.topics[0]?.partitions ?? [];
    return Array.from(
      { length: partitions },
      (_, p) => found.find((x) => x.partitionIndex === p)?.committedOffset,
    );
  } finally {
    await runnel.cluster.disconnect();
  }
}

/**
 * The consumer group's contract, as one member and then another of the same group see it:
 * committed offsets decide where a member starts, what handlers finished is committed on
 * disconnect, two members share the partitions. Offsets are preset with a raw OffsetCommit, so the
 * suite needs no ListOffsets. Calls describe().
 */
export function describeGroupContract(
  name: string,
  start: StartContractCluster,
  deviations: ClusterDeviations = {},
): void {
  describe(`Consumer group contract: ${name}`, () => {
    let cluster: ContractCluster;
    let groups = 0;
    const open: Consumer[] = [];
    beforeAll(async () => {
      cluster = await start();
    });
    afterEach(() => Promise.all(open.splice(0).map((c) => c.disconnect())));
    afterAll(() => cluster?.close());

    async function member(groupId: string, topic: string, partitionAssigners?: string[]): Promise<Consumer> {
      const consumer = runnelOn(cluster, `contract-member-${groupId}`).consumer({
        groupId,
        maxWaitMs: 50,
        ...GROUP_TIMINGS,
        ...(partitionAssigners === undefined ? {} : { partitionAssigners }),
      });
      open.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      return consumer;
    }

    const byPartition = (consumed: readonly Consumed[], partitions: number) =>
      Array.from({ length: partitions }, (_, p) =>
        consumed.filter((c) => c.partition === p).map((c) => c.message),
      );

    it(
      'a member starts at the committed offsets, commits what it handled on disconnect, the next member resumes there',
      async () => {
        const { topic, partitions } = await cluster.newTopic('contract-group-resume');
        const groupId = `contract-resume-${++groups}`;
        const admin = runnelOn(cluster, 'contract-group-admin');
        await writeKnownRecords(admin, topic, partitions);
        await presetOffsets(admin, groupId, topic, partitions, 10n);

        const first = await member(groupId, topic);
        const firstRead = await consumeCount(first, partitions * (RECORDS_PER_PARTITION - 10));
        await first.disconnect();
        for (const [p, got] of byPartition(firstRead, partitions).entries()) expectKnownRecords(got, p, 10);
        expect(await committedOffsets(admin, groupId, topic, partitions)).toEqual(
          Array.from({ length: partitions }, () => BigInt(RECORDS_PER_PARTITION)),
        );

        await writeKnownRecords(admin, topic, partitions);
        const second = await member(groupId, topic);
        const secondRead = await consumeCount(second, partitions * RECORDS_PER_PARTITION);
        for (const got of byPartition(secondRead, partitions)) {
          expect(got.map((m) => m.offset)).toEqual(
            Array.from({ length: RECORDS_PER_PARTITION }, (_, i) => BigInt(RECORDS_PER_PARTITION + i)),
          );
        }
      },
      GROUP_TEST_TIMEOUT_MS,
    );

    // Two members at once meet the coordinator's SyncGroup race where it has one; its spec pins that down.
    if (deviations.syncGroupRacesFollowers !== true) {
      it.each([
        ['the default assignors', undefined],
        ['cooperative-sticky', ['cooperative-sticky']],
        ['roundrobin', ['roundrobin']],
      ])(
        'two members of a group (%s) split the partitions between them and together read every record',
        async (_label, partitionAssigners) => {
          const { topic, partitions } = await cluster.newTopic('contract-group-split');
          const groupId = `contract-split-${++groups}`;
          const admin = runnelOn(cluster, 'contract-group-admin');
          await presetOffsets(admin, groupId, topic, partitions, 0n);
          const [a, b] = [
            await member(groupId, topic, partitionAssigners),
            await member(groupId, topic, partitionAssigners),
          ];
          const owned = () =>
            [...a.assignment(), ...b.assignment()].map((tp) => `${tp.topic}:${tp.partition}`).sort();
          const everyPartition = Array.from({ length: partitions }, (_, p) => `${topic}:${p}`).sort();
          const split = () =>
            a.assignment().length > 0 && b.assignment().length > 0 && `${owned()}` === `${everyPartition}`;
          const groupSplit = new Promise<void>((resolve) => {
            const check = () => {
              if (split()) resolve();
            };
            a.on('group', check);
            b.on('group', check);
          });

          const total = partitions * RECORDS_PER_PARTITION;
          const handlers = new Map<string, Consumer[]>();
          const allSeen = new Promise<void>((resolve, reject) => {
            for (const consumer of [a, b]) {
              consumer.once('crash', ({ error }) => reject(error));
              consumer
                .run({
                  eachMessage: ({ partition, message }) => {
                    const key = `${partition}/${message.offset}`;
                    handlers.set(key, [...(handlers.get(key) ?? []), consumer]);
                    if (handlers.size === total) resolve();
                  },
                })
                .catch(reject);
            }
          });
          await groupSplit;
          // Written once the partitions are split, so each record has one owner while it is read.
          await writeKnownRecords(admin, topic, partitions);
          await allSeen;
          expect(owned()).toEqual(everyPartition);
          for (const [key, who] of handlers) {
            const partition = Number(key.split('/')[0]);
            const owner = a.assignment().some((tp) => tp.partition === partition) ? a : b;
            expect(who).toEqual([owner]);
          }
        },
        GROUP_TEST_TIMEOUT_MS,
      );
    }
  });
}
