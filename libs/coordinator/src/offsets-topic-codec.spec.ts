import { ProtocolError } from '@runnel/protocol';
import fc from 'fast-check';
import type { GroupRecord, PersistedMember } from './group-records.js';
import { decodeGroupRecord, encodeGroupRecord } from './offsets-topic-codec.js';

const hex = (...parts: string[]) => Buffer.from(parts.join('').replace(/\s/g, ''), 'hex');
const str = (s: string) => Buffer.from(s).toString('hex');

describe('__consumer_offsets record codec', () => {
  it('writes an offset commit as OffsetCommitKey v1 and OffsetCommitValue v3, byte for byte', () => {
    const record: GroupRecord = {
      type: 'offset-commit',
      groupId: 'g',
      topic: 't',
      partition: 3,
      value: { offset: 42n, leaderEpoch: 5, metadata: 'm', commitTimestamp: 1000, expireTimestamp: null },
    };

    const { key, value } = encodeGroupRecord(record);

    // version | group | topic | partition
    expect(key).toEqual(hex('0001', `0001${str('g')}`, `0001${str('t')}`, '00000003'));
    // version | offset | leaderEpoch | metadata | commitTimestamp
    expect(value).toEqual(hex('0003', '000000000000002a', '00000005', `0001${str('m')}`, '00000000000003e8'));
    expect(decodeGroupRecord(key, value)).toEqual(record);
  });

  it('writes a commit with its own expiry as OffsetCommitValue v1, the version that has expireTimestamp', () => {
    const value = {
      offset: 7n,
      leaderEpoch: -1,
      metadata: '',
      commitTimestamp: 1000,
      expireTimestamp: 61_000,
    };
    const encoded = encodeGroupRecord({
      type: 'offset-commit',
      groupId: 'g',
      topic: 't',
      partition: 0,
      value,
    });

    // version | offset | metadata | commitTimestamp | expireTimestamp
    expect(encoded.value).toEqual(
      hex('0001', '0000000000000007', '0000', '00000000000003e8', '000000000000ee48'),
    );
    expect(decodeGroupRecord(encoded.key, encoded.value)).toMatchObject({ value });
  });

  it('writes group metadata as GroupMetadataKey v2 and GroupMetadataValue v3, byte for byte', () => {
    const member: PersistedMember = {
      memberId: 'a',
      groupInstanceId: null,
      clientId: 'c',
      clientHost: 'h',
      rebalanceTimeoutMs: 30_000,
      sessionTimeoutMs: 10_000,
      subscription: Buffer.from('s'),
      assignment: Buffer.from('x'),
    };
    const record: GroupRecord = {
      type: 'group-metadata',
      groupId: 'g',
      value: {
        protocolType: 'consumer',
        generationId: 1,
        protocolName: 'range',
        leaderId: 'a',
        currentStateTimestamp: 1000,
        members: [member],
      },
    };

    const { key, value } = encodeGroupRecord(record);

    expect(key).toEqual(hex('0002', `0001${str('g')}`));
    expect(value).toEqual(
      hex(
        '0003',
        `0008${str('consumer')}`,
        '00000001',
        `0005${str('range')}`,
        `0001${str('a')}`,
        '00000000000003e8',
        '00000001',
        // memberId | groupInstanceId (null) | clientId | clientHost | rebalanceTimeout | sessionTimeout
        `0001${str('a')}`,
        'ffff',
        `0001${str('c')}`,
        `0001${str('h')}`,
        '00007530',
        '00002710',
        // subscription | assignment
        `00000001${str('s')}`,
        `00000001${str('x')}`,
      ),
    );
    expect(decodeGroupRecord(key, value)).toEqual(record);
  });

  it('writes tombstones as a key with a null value', () => {
    const offset = encodeGroupRecord({
      type: 'offset-commit',
      groupId: 'g',
      topic: 't',
      partition: 0,
      value: null,
    });
    const group = encodeGroupRecord({ type: 'group-metadata', groupId: 'g', value: null });

    expect(offset.value).toBeNull();
    expect(group).toEqual({ key: hex('0002', `0001${str('g')}`), value: null });
    expect(decodeGroupRecord(group.key, null)).toEqual({ type: 'group-metadata', groupId: 'g', value: null });
  });

  it("reads older and flexible versions: key v0, OffsetCommitValue v0 and v4, GroupMetadataValue v0's rebalance timeout", () => {
    const keyV0 = hex('0000', `0001${str('g')}`, `0001${str('t')}`, '00000000');
    // v4 (flexible): compact string metadata (length + 1) and an empty tagged-field section.
    const valueV4 = hex('0004', '0000000000000009', '00000002', `02${str('m')}`, '00000000000003e8', '00');
    const valueV0 = hex('0000', '0000000000000009', '0000', '00000000000003e8');

    expect(decodeGroupRecord(keyV0, valueV4)).toMatchObject({
      value: { offset: 9n, leaderEpoch: 2, metadata: 'm', commitTimestamp: 1000, expireTimestamp: null },
    });
    expect(decodeGroupRecord(keyV0, valueV0)).toMatchObject({ value: { offset: 9n, leaderEpoch: -1 } });

    const groupV0 = hex(
      '0000',
      `0008${str('consumer')}`,
      '00000002',
      `0005${str('range')}`,
      `0001${str('a')}`,
      '00000001',
      `0001${str('a')}`,
      `0001${str('c')}`,
      `0001${str('h')}`,
      '00002710',
      '00000000',
      '00000000',
    );
    expect(decodeGroupRecord(hex('0002', `0001${str('g')}`), groupV0)).toMatchObject({
      value: {
        currentStateTimestamp: null,
        members: [{ rebalanceTimeoutMs: 10_000, sessionTimeoutMs: 10_000 }],
      },
    });
  });

  it('refuses a key or value version it does not know instead of skipping the record', () => {
    expect(() => decodeGroupRecord(hex('0003', '0000'), null)).toThrow(ProtocolError);
    expect(() => decodeGroupRecord(hex('0002', `0001${str('g')}`), hex('0005'))).toThrow(ProtocolError);
    expect(() => decodeGroupRecord(hex('00'), null)).toThrow(ProtocolError);
  });

  it('round-trips any record', () => {
    const text = fc.string({ maxLength: 20 });
    const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    const timestamp = fc.integer({ min: 0, max: 2 ** 50 });
    const bytes = fc.uint8Array({ maxLength: 16 }).map((a) => Buffer.from(a));
    const offsetCommit = fc.record({
      type: fc.constant('offset-commit' as const),
      groupId: text,
      topic: text,
      partition: int32,
      value: fc.option(
        fc.record({
          offset: fc.bigInt({ min: -1n, max: 2n ** 63n - 1n }),
          leaderEpoch: int32,
          metadata: text,
          commitTimestamp: timestamp,
          expireTimestamp: fc.constant(null),
        }),
      ),
    });
    const member = fc.record({
      memberId: text,
      groupInstanceId: fc.option(text),
      clientId: text,
      clientHost: text,
      rebalanceTimeoutMs: int32,
      sessionTimeoutMs: int32,
      subscription: bytes,
      assignment: bytes,
    });
    const groupMetadata = fc.record({
      type: fc.constant('group-metadata' as const),
      groupId: text,
      value: fc.option(
        fc.record({
          protocolType: text,
          generationId: int32,
          protocolName: fc.option(text),
          leaderId: fc.option(text),
          currentStateTimestamp: fc.option(timestamp),
          members: fc.array(member, { maxLength: 3 }),
        }),
      ),
    });

    fc.assert(
      fc.property(fc.oneof(offsetCommit, groupMetadata), (record: GroupRecord) => {
        const { key, value } = encodeGroupRecord(record);
        expect(decodeGroupRecord(key, value)).toEqual(record);
      }),
    );
  });
});
