import { GroupMetadata } from './group-metadata.js';
import { type GroupState, IllegalGroupStateError } from './group-state.js';
import { MemberMetadata } from './member-metadata.js';

const STATES: GroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'];

/** A group driven into `state` through valid transitions. */
function groupIn(state: GroupState): GroupMetadata {
  const group = new GroupMetadata('g', 0);
  const path: Record<GroupState, GroupState[]> = {
    Empty: [],
    PreparingRebalance: ['PreparingRebalance'],
    CompletingRebalance: ['PreparingRebalance', 'CompletingRebalance'],
    Stable: ['PreparingRebalance', 'CompletingRebalance', 'Stable'],
    Dead: ['Dead'],
  };
  for (const next of path[state]) group.transitionTo(next, 0);
  return group;
}

function member(memberId: string, protocols: string[]): MemberMetadata {
  return new MemberMetadata({
    memberId,
    groupInstanceId: null,
    clientId: 'c',
    clientHost: 'h',
    rebalanceTimeoutMs: 1000,
    sessionTimeoutMs: 1000,
    protocolType: 'consumer',
    protocols: protocols.map((name) => ({ name, metadata: Buffer.from(name) })),
  });
}

describe('GroupMetadata', () => {
  it("allows exactly Kafka's transitions between group states", () => {
    const allowed: string[] = [];
    for (const from of STATES) {
      for (const to of STATES) {
        const group = groupIn(from);
        try {
          group.transitionTo(to, 5);
          allowed.push(`${from}->${to}`);
          expect(group.state).toBe(to);
          expect(group.currentStateTimestamp).toBe(5);
        } catch (error) {
          expect(error).toBeInstanceOf(IllegalGroupStateError);
          expect(group.state).toBe(from);
        }
      }
    }
    expect(allowed.sort()).toEqual(
      [
        'Empty->PreparingRebalance',
        'Empty->Dead',
        'PreparingRebalance->CompletingRebalance',
        'PreparingRebalance->Empty',
        'PreparingRebalance->Dead',
        'CompletingRebalance->PreparingRebalance',
        'CompletingRebalance->Stable',
        'CompletingRebalance->Dead',
        'Stable->PreparingRebalance',
        'Stable->Dead',
        'Dead->Dead',
      ].sort(),
    );
  });

  it('makes the first member the leader and hands leadership to another member when the leader goes', () => {
    const group = new GroupMetadata('g', 0);
    group.add(member('a', ['range']));
    group.add(member('b', ['range']));
    expect(group.leaderId).toBe('a');

    group.remove('a');
    expect(group.leaderId).toBe('b');
    group.remove('b');
    expect(group.leaderId).toBeNull();
  });

  it('breaks a tie between protocols in favour of the one voted for first', () => {
    const group = new GroupMetadata('g', 0);
    group.add(member('a', ['sticky', 'range']));
    group.add(member('b', ['range', 'sticky']));

    expect(group.selectProtocol()).toBe('sticky');
  });
});
