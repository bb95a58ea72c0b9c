import {
  cooperativeStickyAssignor,
  rangeAssignor,
  roundRobinAssignor,
  stickyAssignor,
} from '@runnel/coordinator';
import { decodeSubscription } from '@runnel/protocol';
import { AssignerProtocol } from 'kafkajs';
import {
  decodeMemberAssignment,
  encodeGroupAssignment,
  groupByTopic,
  groupTopics,
  joinProtocols,
  memberSubscriptions,
  rebalanceProtocolOf,
} from './assignment-strategy.js';

const tp = (topic: string, partition: number) => ({ topic, partition });

describe('rebalanceProtocolOf', () => {
  it('is the highest protocol every assignor supports', () => {
    expect(rebalanceProtocolOf([cooperativeStickyAssignor])).toBe('cooperative');
    expect(rebalanceProtocolOf([rangeAssignor, cooperativeStickyAssignor])).toBe('eager');
    expect(rebalanceProtocolOf([roundRobinAssignor])).toBe('eager');
  });
});

describe('joinProtocols', () => {
  const state = {
    topics: ['orders', 'audit', 'orders'],
    owned: [tp('orders', 2), tp('orders', 0)],
    lastAssignment: [tp('orders', 0), tp('orders', 2)],
    lastGenerationId: 7,
  };

  it('offers one subscription v1 per assignor, preferred first, with owned partitions', () => {
    const protocols = joinProtocols([cooperativeStickyAssignor, rangeAssignor], state);
    expect(protocols.map(({ name }) => name)).toEqual(['cooperative-sticky', 'range']);
    const cooperative = decodeSubscription(protocols[0]!.metadata);
    expect(cooperative).toMatchObject({
      version: 1,
      topics: ['audit', 'orders'],
      ownedPartitions: [{ topic: 'orders', partitions: [0, 2] }],
    });
    // CooperativeStickyAssignor user data: the generation of the owned partitions, one int32.
    expect(Buffer.from(cooperative.userData!).readInt32BE(0)).toBe(7);
    expect(decodeSubscription(protocols[1]!.metadata).userData).toBeNull();
  });

  it("is read by kafkajs's member metadata decoder (it skips owned partitions)", () => {
    const [protocol] = joinProtocols([roundRobinAssignor], state);
    const decoded = AssignerProtocol.MemberMetadata.decode(protocol!.metadata);
    expect(decoded).toMatchObject({ version: 1, topics: ['audit', 'orders'] });
  });
});

describe('the leader assignment', () => {
  it('decodes every member, assigns with the chosen assignor and hands each its share', () => {
    const ours = joinProtocols([rangeAssignor], {
      topics: ['t'],
      owned: [],
      lastAssignment: null,
      lastGenerationId: -1,
    });
    // A kafkajs member: subscription v0 without user data.
    const theirs = AssignerProtocol.MemberMetadata.encode({
      version: 0,
      topics: ['t'],
      userData: Buffer.alloc(0),
    });
    const members = [
      { memberId: 'b', groupInstanceId: null, metadata: ours[0]!.metadata },
      { memberId: 'a', groupInstanceId: null, metadata: theirs },
    ];
    const subscriptions = memberSubscriptions(members);
    expect(groupTopics(subscriptions)).toEqual(['t']);
    const encoded = encodeGroupAssignment(
      subscriptions,
      rangeAssignor.assign({ members: subscriptions, partitionsPerTopic: new Map([['t', 3]]) }),
    );
    expect(encoded.map(({ memberId }) => memberId)).toEqual(['b', 'a']);
    const byMember = new Map(encoded.map(({ memberId, assignment }) => [memberId, assignment]));
    expect(decodeMemberAssignment(byMember.get('a')!)).toEqual([tp('t', 0), tp('t', 1)]);
    expect(decodeMemberAssignment(byMember.get('b')!)).toEqual([tp('t', 2)]);
    // kafkajs reads our assignment bytes too.
    expect(AssignerProtocol.MemberAssignment.decode(byMember.get('a')!)).toMatchObject({
      assignment: { t: [0, 1] },
    });
  });

  it('gives a member the assignor left out an empty assignment, and reads an empty payload as nothing', () => {
    const subscriptions = memberSubscriptions([
      {
        memberId: 'x',
        groupInstanceId: null,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 0,
          topics: ['t'],
          userData: Buffer.alloc(0),
        }),
      },
    ]);
    const [only] = encodeGroupAssignment(subscriptions, new Map());
    expect(decodeMemberAssignment(only!.assignment)).toEqual([]);
    expect(decodeMemberAssignment(Buffer.alloc(0))).toEqual([]);
  });

  it('reads kafkajs assignments (v0, topics in any order)', () => {
    const bytes = AssignerProtocol.MemberAssignment.encode({
      version: 0,
      assignment: { z: [1, 0], a: [4] },
      userData: Buffer.alloc(0),
    });
    expect(decodeMemberAssignment(bytes)).toEqual([tp('a', 4), tp('z', 0), tp('z', 1)]);
  });

  it('sticky user data carries the previous assignment under eager, where owned partitions are empty', () => {
    const [protocol] = joinProtocols([stickyAssignor], {
      topics: ['t'],
      owned: [],
      lastAssignment: [tp('t', 1)],
      lastGenerationId: 3,
    });
    const [member] = memberSubscriptions([
      { memberId: 'm', groupInstanceId: null, metadata: protocol!.metadata },
    ]);
    expect(member!.ownedPartitions).toEqual([]);
    const other = memberSubscriptions([
      {
        memberId: 'n',
        groupInstanceId: null,
        metadata: joinProtocols([stickyAssignor], {
          topics: ['t'],
          owned: [],
          lastAssignment: null,
          lastGenerationId: -1,
        })[0]!.metadata,
      },
    ]);
    const assignment = stickyAssignor.assign({
      members: [member!, ...other],
      partitionsPerTopic: new Map([['t', 2]]),
    });
    expect(assignment.get('m')).toEqual([{ topic: 't', partitions: [1] }]);
  });

  it('groups partitions by topic, sorted', () => {
    expect(groupByTopic([tp('b', 1), tp('a', 3), tp('a', 1)])).toEqual([
      { topic: 'a', partitions: [1, 3] },
      { topic: 'b', partitions: [1] },
    ]);
  });
});
