import type { CoordinatorOptions } from '../coordinator-config.js';
import { GroupCoordinator } from '../group-coordinator.js';
import type { GroupRecord } from '../group-records.js';
import { type GroupStore, InMemoryGroupStore } from '../group-store.js';
import { ManualScheduler } from '../manual-scheduler.js';
import type { JoinGroupRequest, JoinGroupResult } from '../membership-types.js';

/** A loaded coordinator on a manual clock (starting at 1_000_000 ms) with an in-memory store. */
export function startCoordinator<S extends GroupStore = InMemoryGroupStore>(
  options: CoordinatorOptions = {},
  setup: { records?: GroupRecord[]; store?: S } = {},
) {
  const store = (setup.store ?? new InMemoryGroupStore()) as S;
  const scheduler = new ManualScheduler(1_000_000);
  const coordinator = new GroupCoordinator({
    store,
    clock: scheduler,
    scheduler,
    options: { groupInitialRebalanceDelayMs: 0, ...options },
  });
  coordinator.load(setup.records ?? []);
  return { scheduler, store, coordinator };
}

/** A consumer's JoinGroup for group 'g': session 10 s, rebalance 30 s, one protocol 'range'. */
export function joinRequest(overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: 'g',
    memberId: '',
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('subscription') }],
    ...overrides,
  };
}

/** Whether the promise has settled once every pending callback and microtask has run. */
export async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

/**
 * Forms a Stable group 'g' with one member per client id (the first leads) and returns their
 * JoinGroup answers in that order; each member's assignment is its client id. Without an initial
 * delay the first member forms generation 1 alone, so the others join generation 2 and it rejoins.
 */
export async function stableGroup(
  coordinator: GroupCoordinator,
  clientIds: readonly string[],
): Promise<JoinGroupResult[]> {
  const [firstClientId, ...otherClientIds] = clientIds;
  const first = await coordinator.joinGroup(joinRequest({ clientId: firstClientId }));
  const joins = otherClientIds.map((clientId) => coordinator.joinGroup(joinRequest({ clientId })));
  if (joins.length > 0)
    joins.unshift(coordinator.joinGroup(joinRequest({ clientId: firstClientId, memberId: first.memberId })));
  const results = joins.length > 0 ? await Promise.all(joins) : [first];
  const syncs = results.map((r) =>
    coordinator.syncGroup({
      groupId: 'g',
      generationId: r.generationId,
      memberId: r.memberId,
      assignments:
        r.memberId === r.leader
          ? results.map((m, i) => ({ memberId: m.memberId, assignment: Buffer.from(clientIds[i] ?? '') }))
          : [],
    }),
  );
  for (const sync of await Promise.all(syncs)) {
    if (sync.errorCode !== 0) throw new Error(`SyncGroup failed with error ${sync.errorCode}`);
  }
  return results;
}
