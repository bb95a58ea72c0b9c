import { NO_LEADER } from './cluster-keys.js';
import { electPartitionLeader, electPreferredLeader, initialPartitionState } from './partition-election.js';

const liveSet =
  (...ids: number[]) =>
  (id: number) =>
    ids.includes(id);

describe('electPartitionLeader', () => {
  const replicas = [1, 2, 3];

  it('leaves a partition whose leader and in-sync replicas are all live as it is', () => {
    const state = { leader: 1, leaderEpoch: 4, isr: [1, 2], controllerEpoch: 2 };
    expect(electPartitionLeader(state, replicas, liveSet(1, 2, 3), 3)).toBeUndefined();
  });

  it('elects the first live in-sync replica in assignment order when the leader dies', () => {
    const state = { leader: 1, leaderEpoch: 4, isr: [1, 3, 2], controllerEpoch: 2 };
    expect(electPartitionLeader(state, replicas, liveSet(2, 3), 7)).toEqual({
      leader: 2,
      leaderEpoch: 5,
      isr: [3, 2],
      controllerEpoch: 7,
    });
  });

  it('never elects a live replica outside the ISR (no unclean election)', () => {
    const state = { leader: 1, leaderEpoch: 0, isr: [1], controllerEpoch: 1 };
    expect(electPartitionLeader(state, replicas, liveSet(2, 3), 1)).toEqual({
      leader: NO_LEADER,
      leaderEpoch: 1,
      isr: [1],
      controllerEpoch: 1,
    });
  });

  it('gives an offline partition back to its in-sync replica when it returns, at a new epoch', () => {
    const offline = { leader: NO_LEADER, leaderEpoch: 1, isr: [1], controllerEpoch: 1 };
    expect(electPartitionLeader(offline, replicas, liveSet(2, 3), 2)).toBeUndefined();
    expect(electPartitionLeader(offline, replicas, liveSet(1, 2, 3), 2)).toEqual({
      leader: 1,
      leaderEpoch: 2,
      isr: [1],
      controllerEpoch: 2,
    });
  });

  it('shrinks the ISR of a live leader when a follower in it dies', () => {
    const state = { leader: 2, leaderEpoch: 3, isr: [2, 3], controllerEpoch: 1 };
    expect(electPartitionLeader(state, replicas, liveSet(1, 2), 1)).toEqual({
      leader: 2,
      leaderEpoch: 4,
      isr: [2],
      controllerEpoch: 1,
    });
  });
});

describe('initialPartitionState', () => {
  it('makes the preferred replica the leader at epoch 0 with every replica in sync (every log is empty)', () => {
    expect(initialPartitionState([3, 1, 2], 5)).toEqual({
      leader: 3,
      leaderEpoch: 0,
      isr: [3, 1, 2],
      controllerEpoch: 5,
    });
  });
});

describe('electPreferredLeader', () => {
  const live = (id: number) => id !== 4;

  it('gives the partition back to its preferred replica once it is live and in sync', () => {
    const state = { leader: 2, leaderEpoch: 3, isr: [2, 1], controllerEpoch: 1 };
    expect(electPreferredLeader(state, [1, 2, 3], live, 2)).toEqual({
      leader: 1,
      leaderEpoch: 4,
      isr: [2, 1],
      controllerEpoch: 2,
    });
  });

  it('leaves the partition alone while its preferred replica leads, is out of sync or not live', () => {
    expect(
      electPreferredLeader({ leader: 1, leaderEpoch: 3, isr: [1, 2], controllerEpoch: 1 }, [1, 2], live, 2),
    ).toBe(undefined);
    expect(
      electPreferredLeader({ leader: 2, leaderEpoch: 3, isr: [2], controllerEpoch: 1 }, [1, 2], live, 2),
    ).toBe(undefined);
    expect(
      electPreferredLeader({ leader: 2, leaderEpoch: 3, isr: [2, 4], controllerEpoch: 1 }, [4, 2], live, 2),
    ).toBe(undefined);
  });
});
