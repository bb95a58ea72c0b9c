import { assignmentChange, beforeJoin, onLeave, partitionKey, without } from './rebalance-changes.js';

const tp = (topic: string, partition: number) => ({ topic, partition });

describe('beforeJoin', () => {
  const owned = [tp('b', 1), tp('a', 2), tp('a', 0)];

  it('eager revokes everything, sorted', () => {
    expect(beforeJoin(owned, 'eager', true, ['a', 'b'])).toEqual({
      revoked: [tp('a', 0), tp('a', 2), tp('b', 1)],
      lost: [],
    });
  });

  it('cooperative keeps what it still subscribes to and revokes the rest', () => {
    expect(beforeJoin(owned, 'cooperative', true, ['a', 'b'])).toEqual({ revoked: [], lost: [] });
    expect(beforeJoin(owned, 'cooperative', true, ['a'])).toEqual({ revoked: [tp('b', 1)], lost: [] });
  });

  it('a member whose generation ended has lost everything, whatever the protocol', () => {
    for (const protocol of ['eager', 'cooperative'] as const) {
      expect(beforeJoin(owned, protocol, false, ['a', 'b'])).toEqual({
        revoked: [],
        lost: [tp('a', 0), tp('a', 2), tp('b', 1)],
      });
    }
  });
});

describe('assignmentChange', () => {
  it('cooperative: revokes only what moved away, adds only what is new, and rejoins when it revoked', () => {
    const change = assignmentChange(
      [tp('a', 0), tp('a', 1), tp('a', 2)],
      [tp('a', 2), tp('a', 0)],
      'cooperative',
    );
    expect(change).toEqual({
      revoked: [tp('a', 1)],
      added: [],
      owned: [tp('a', 0), tp('a', 2)],
      rejoin: true,
    });
  });

  it('cooperative: nothing taken away means no second rebalance', () => {
    const change = assignmentChange([tp('a', 0)], [tp('a', 0), tp('a', 3)], 'cooperative');
    expect(change).toEqual({
      revoked: [],
      added: [tp('a', 3)],
      owned: [tp('a', 0), tp('a', 3)],
      rejoin: false,
    });
  });

  it('eager: the member owns nothing by now, everything assigned is added and no rejoin follows', () => {
    const change = assignmentChange([], [tp('a', 1), tp('a', 0)], 'eager');
    expect(change).toEqual({
      revoked: [],
      added: [tp('a', 0), tp('a', 1)],
      owned: [tp('a', 0), tp('a', 1)],
      rejoin: false,
    });
  });

  it('a partition listed twice in an assignment is owned once', () => {
    expect(assignmentChange([], [tp('a', 0), tp('a', 0)], 'eager').owned).toEqual([tp('a', 0)]);
  });
});

describe('onLeave', () => {
  it('revokes (so the listener commits) while the generation is valid, else loses', () => {
    expect(onLeave([tp('a', 1), tp('a', 0)], true)).toEqual({ revoked: [tp('a', 0), tp('a', 1)], lost: [] });
    expect(onLeave([tp('a', 1)], false)).toEqual({ revoked: [], lost: [tp('a', 1)] });
  });
});

describe('partition sets', () => {
  it('keys by topic and partition, and removes by key', () => {
    expect(partitionKey(tp('orders', 3))).toBe('orders:3');
    expect(without([tp('a', 0), tp('a', 1), tp('b', 0)], [tp('a', 1), tp('c', 9)])).toEqual([
      tp('a', 0),
      tp('b', 0),
    ]);
  });
});
