import {
  DEFAULT_GENERATION,
  decodeCooperativeUserData,
  decodeStickyUserData,
  encodeCooperativeUserData,
  encodeStickyUserData,
} from './sticky-user-data.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// previous_assignment: [{ topic: "t0", partitions: [0, 2] }]
const previousAssignmentT0 = '00000001 0002 7430 00000002 00000000 00000002';

describe('StickyAssignor user data', () => {
  it('encodes the previous assignment and generation as Kafka StickyAssignor v1', () => {
    const bytes = encodeStickyUserData({ partitions: [{ topic: 't0', partitions: [0, 2] }], generation: 5 });
    expect(bytes).toEqual(hex(`${previousAssignmentT0} 00000005`));
  });

  it('decodes v1, with the generation', () => {
    expect(decodeStickyUserData(hex(`${previousAssignmentT0} 00000005`))).toEqual({
      partitions: [{ topic: 't0', partitions: [0, 2] }],
      generation: 5,
    });
  });

  it('decodes v0, written before Kafka 2.3, as of unknown generation', () => {
    expect(decodeStickyUserData(hex(previousAssignmentT0))).toEqual({
      partitions: [{ topic: 't0', partitions: [0, 2] }],
      generation: DEFAULT_GENERATION,
    });
  });

  it('ignores bytes after the generation, as Kafka does', () => {
    expect(decodeStickyUserData(hex(`${previousAssignmentT0} 00000005 ffff`))?.generation).toBe(5);
  });

  it('reads nothing from bytes that are not sticky user data', () => {
    expect(decodeStickyUserData(hex('0000'))).toBeNull();
    expect(decodeStickyUserData(hex('00000003 0002 7430'))).toBeNull();
  });
});

describe('CooperativeStickyAssignor user data', () => {
  it('is the generation as one int32', () => {
    expect(encodeCooperativeUserData(7)).toEqual(hex('00000007'));
    expect(decodeCooperativeUserData(hex('00000007'))).toBe(7);
    expect(decodeCooperativeUserData(encodeCooperativeUserData(DEFAULT_GENERATION))).toBe(-1);
  });

  it('reads nothing from fewer than four bytes', () => {
    expect(decodeCooperativeUserData(hex('000007'))).toBeNull();
  });
});
