import { describeChange, GroupMembership } from './group-membership.js';

const orders = (...partitions: number[]) => partitions.map((partition) => ({ topic: 'orders', partition }));

describe('GroupMembership', () => {
  it('reports what a join added and removed, per group and topic', () => {
    const membership = new GroupMembership();
    const first = membership.join(
      { groupId: 'billing-audit', generationId: 1, assigned: orders(0, 1, 2, 3, 4, 5) },
      'orders',
    );
    expect(first).toEqual({
      groupId: 'billing-audit',
      topic: 'orders',
      assigned: [0, 1, 2, 3, 4, 5],
      added: [0, 1, 2, 3, 4, 5],
      removed: [],
    });
    const second = membership.join(
      { groupId: 'billing-audit', generationId: 2, assigned: orders(0, 1, 2) },
      'orders',
    );
    expect(second).toMatchObject({ assigned: [0, 1, 2], added: [], removed: [3, 4, 5] });
    expect(membership.partitions('billing-audit', 'orders')).toEqual([0, 1, 2]);
    expect(membership.partitions('billing-service', 'orders')).toEqual([]);
    expect(membership.generation('billing-audit')).toBe(2);
  });

  it('ignores partitions of other topics the group reads', () => {
    const membership = new GroupMembership();
    const change = membership.join(
      {
        groupId: 'billing-service',
        generationId: 1,
        assigned: [...orders(4), { topic: 'billing.quote', partition: 0 }],
      },
      'orders',
    );
    expect(change.assigned).toEqual([4]);
  });
});

describe('describeChange', () => {
  it('names the partitions an instance got, and says when it is idle', () => {
    expect(
      describeChange({ groupId: 'g', topic: 'orders', assigned: [0, 1, 2], added: [2], removed: [3] }),
    ).toBe("group 'g': this instance consumes 'orders' partitions [0, 1, 2] (got [2], gave up [3])");
    expect(describeChange({ groupId: 'g', topic: 'orders', assigned: [], added: [], removed: [] })).toBe(
      "group 'g': no partitions of 'orders' for this instance; it is idle until a rebalance gives it some",
    );
  });
});
