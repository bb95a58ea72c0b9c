import { collectAssignment, type PartitionGrant, subscribedTopics } from './group-assignment.js';
import { sortMembers } from './member-order.js';
import type { GroupAssignment } from './partition-assignor.js';
import { type PartitionTable, partitionTable } from './partition-table.js';
import { previousOwners, type StickyMember } from './previous-owners.js';

/**
 * The assignment behind `sticky` and `cooperative-sticky` (Kafka's AbstractStickyAssignor). Two
 * goals, the first taking precedence:
 * 1. Balance: no member could take over a partition from a member holding at least two more
 *    partitions than it does. Members with the same subscription therefore hold counts within one
 *    of each other.
 * 2. Stickiness: partitions stay with their previous owners (see {@link previousOwners}). When all
 *    members subscribe alike, no more partitions move than balance requires; with mixed
 *    subscriptions, moves prefer partitions that are changing hands anyway.
 *
 * The steps:
 * 1. Every partition with a previous owner stays with it.
 * 2. Every other partition (those the fewest members subscribe to first, then by topic and
 *    partition) goes to the subscribed member holding fewest; member order breaks ties.
 * 3. While goal 1 does not hold, the member holding fewest that could take over a partition from
 *    one holding at least two more takes one from the one holding most, preferring a partition
 *    that did not stay put in step 1. Each move lowers the sum of the squared counts, so this ends.
 */
export function assignSticky(
  members: readonly StickyMember[],
  partitionsPerTopic: ReadonlyMap<string, number>,
): GroupAssignment {
  const sorted = sortMembers(members);
  const state = initialState(
    sorted,
    partitionTable(subscribedTopics(sorted, partitionsPerTopic), partitionsPerTopic),
  );
  assignUnowned(state);
  for (let move = findMove(state); move !== undefined; move = findMove(state)) {
    give(state, move.id, move.to);
    state.stayed[move.id] = 0;
  }
  const { table, owner } = state;
  const grants: PartitionGrant[] = [];
  for (let id = 0; id < table.size; id++) {
    const topic = table.topicOf[id]!;
    grants.push({
      memberId: sorted[owner[id]!]!.memberId,
      topic: table.topics[topic]!,
      partition: id - table.firstId[topic]!,
    });
  }
  return collectAssignment(
    sorted.map((member) => member.memberId),
    grants,
  );
}

interface StickyState {
  readonly table: PartitionTable;
  /** Indexes of the topics each member subscribes to. */
  readonly topicsOf: readonly number[][];
  /** Indexes of the members subscribed to each topic, ascending. */
  readonly consumersOf: readonly number[][];
  /** Index of the member holding each partition; -1 until one does. */
  readonly owner: Int32Array;
  /** 1 while a partition is held by the owner it had going into the rebalance. */
  readonly stayed: Uint8Array;
  /** How many partitions each member holds. */
  readonly load: Int32Array;
}

function initialState(members: readonly StickyMember[], table: PartitionTable): StickyState {
  const topicsOf = members.map((member) => [
    ...new Set(member.topics.flatMap((topic) => table.topicIndex.get(topic) ?? [])),
  ]);
  const consumersOf = table.topics.map((): number[] => []);
  topicsOf.forEach((topics, m) => {
    for (const topic of topics) consumersOf[topic]!.push(m);
  });
  const owner = previousOwners(members, table);
  const load = new Int32Array(members.length);
  for (const m of owner) if (m >= 0) load[m]!++;
  const stayed = Uint8Array.from(owner, (m) => (m >= 0 ? 1 : 0));
  return { table, topicsOf, consumersOf, owner, stayed, load };
}

function assignUnowned(state: StickyState): void {
  const { table, consumersOf, owner, load } = state;
  const consumerCount = (id: number) => consumersOf[table.topicOf[id]!]!.length;
  const unowned: number[] = [];
  for (let id = 0; id < table.size; id++) if (owner[id]! < 0) unowned.push(id);
  unowned.sort((a, b) => consumerCount(a) - consumerCount(b) || a - b);
  for (const id of unowned) {
    // Every topic in the table has a subscriber, so there is always one to choose.
    const consumers = consumersOf[table.topicOf[id]!]!;
    let to = consumers[0]!;
    for (const m of consumers) if (load[m]! < load[to]!) to = m;
    give(state, id, to);
  }
}

function give(state: StickyState, id: number, to: number): void {
  const from = state.owner[id]!;
  if (from >= 0) state.load[from]!--;
  state.owner[id] = to;
  state.load[to]!++;
}

/** The next move of step 3: a partition and the member to take it over; undefined once balanced. */
function findMove(state: StickyState): { id: number; to: number } | undefined {
  const { table, topicsOf, owner, stayed, load } = state;
  const maxLoad = Math.max(...load);
  const byLoad = [...load.keys()].sort((a, b) => load[a]! - load[b]! || a - b);
  const better = (a: number, b: number) =>
    load[owner[a]!]! !== load[owner[b]!]!
      ? load[owner[a]!]! > load[owner[b]!]!
      : stayed[a] !== stayed[b]
        ? stayed[a]! < stayed[b]!
        : a < b;
  for (const to of byLoad) {
    if (load[to]! + 2 > maxLoad) return undefined;
    let best = -1;
    for (const topic of topicsOf[to]!) {
      const first = table.firstId[topic]!;
      for (let id = first; id < first + table.partitionCount[topic]!; id++) {
        if (load[owner[id]!]! < load[to]! + 2) continue;
        if (best < 0 || better(id, best)) best = id;
      }
    }
    if (best >= 0) return { id: best, to };
  }
  return undefined;
}
