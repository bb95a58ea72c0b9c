import { ProtocolError } from '../errors/protocol-error.js';
import { kafkajsAssignerProtocol } from './apis/test-support/kafkajs.js';
import {
  ConsumerProtocolAssignment,
  ConsumerProtocolSubscription,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from './consumer-protocol.js';
import { expectRoundTripAtEveryVersion, projectToVersion } from './test-support/round-trip.js';

const { MemberMetadata, MemberAssignment } = kafkajsAssignerProtocol;

const subscription = {
  topics: ['payments', 'refunds'],
  userData: Buffer.from('sticky-state'),
  ownedPartitions: [
    { topic: 'payments', partitions: [0, 3] },
    { topic: 'refunds', partitions: [1] },
  ],
};

const assignment = {
  assignedPartitions: [
    { topic: 'payments', partitions: [0, 3, 4] },
    { topic: 'refunds', partitions: [1] },
  ],
  userData: Buffer.from([7, 7]),
};

describe('consumer protocol', () => {
  it('round-trips subscription and assignment bodies at every version', () => {
    expectRoundTripAtEveryVersion(ConsumerProtocolSubscription, subscription);
    expectRoundTripAtEveryVersion(ConsumerProtocolSubscription, { ...subscription, userData: null });
    expectRoundTripAtEveryVersion(ConsumerProtocolAssignment, assignment);
    expectRoundTripAtEveryVersion(ConsumerProtocolAssignment, { ...assignment, userData: null });
  });

  it.each([0, 1])('prefixes the v%i payload with its version and reads it back', (version) => {
    expect(decodeSubscription(encodeSubscription(subscription, version))).toEqual({
      version,
      ...(projectToVersion(ConsumerProtocolSubscription.struct, version, subscription) as object),
    });
    expect(decodeAssignment(encodeAssignment(assignment, version))).toEqual({ version, ...assignment });
  });

  it('encodes a v1 subscription byte for byte', () => {
    const bytes = encodeSubscription(
      { topics: ['t'], userData: null, ownedPartitions: [{ topic: 't', partitions: [0, 3] }] },
      1,
    );
    expect(bytes.toString('hex')).toBe(
      [
        '0001', // version 1
        '00000001', // topics: int32 count 1
        '000174', // [0]: int16 length 1, "t"
        'ffffffff', // userData: null
        '00000001', // ownedPartitions: int32 count 1
        '000174', // [0].topic: int16 length 1, "t"
        '00000002', // [0].partitions: int32 count 2
        '00000000', // 0
        '00000003', // 3
      ].join(''),
    );
  });

  it('encodes a v0 assignment byte for byte', () => {
    const bytes = encodeAssignment({ assignedPartitions: [{ topic: 't', partitions: [2] }] }, 0);
    expect(bytes.toString('hex')).toBe(
      [
        '0000', // version 0
        '00000001', // assignedPartitions: int32 count 1
        '000174', // [0].topic: int16 length 1, "t"
        '00000001', // [0].partitions: int32 count 1
        '00000002', // 2
        'ffffffff', // userData: null
      ].join(''),
    );
  });

  it('reads a payload of a newer version as v1 and ignores what follows', () => {
    const v1Subscription = encodeSubscription(subscription, 1);
    // Kafka's v2 subscription appends generationId (int32); a v3 may append anything.
    const v2 = Buffer.concat([
      Buffer.from('0002', 'hex'),
      v1Subscription.subarray(2),
      Buffer.from('00000009', 'hex'),
    ]);
    expect(decodeSubscription(v2)).toEqual({ version: 2, ...subscription });
    const v3 = Buffer.concat([
      Buffer.from('0003', 'hex'),
      encodeAssignment(assignment, 1).subarray(2),
      Buffer.from('ab', 'hex'),
    ]);
    expect(decodeAssignment(v3)).toEqual({ version: 3, ...assignment });
  });

  it('decodes an empty assignment payload as no partitions', () => {
    expect(decodeAssignment(Buffer.alloc(0))).toEqual({ version: 0, assignedPartitions: [], userData: null });
  });

  it('refuses a negative version', () => {
    expect(() => decodeSubscription(Buffer.from('ffff00000000ffffffff', 'hex'))).toThrow(ProtocolError);
    expect(() => decodeAssignment(Buffer.from('ffff00000000ffffffff', 'hex'))).toThrow(ProtocolError);
  });

  it('refuses a version it cannot encode', () => {
    expect(() => encodeSubscription(subscription, 2)).toThrow(ProtocolError);
    expect(() => encodeAssignment(assignment, -1)).toThrow(ProtocolError);
  });

  it('reports every truncated payload as a ProtocolError', () => {
    for (const version of [0, 1]) {
      const payloads = [
        { decode: decodeSubscription, bytes: encodeSubscription(subscription, version) },
        // A zero-length assignment is the valid empty one, so cuts start at one byte.
        { decode: decodeAssignment, bytes: encodeAssignment(assignment, version), from: 1 },
      ];
      for (const { decode, bytes, from = 0 } of payloads) {
        for (let length = from; length < bytes.length; length++) {
          expect(() => decode(bytes.subarray(0, length))).toThrow(ProtocolError);
        }
      }
    }
  });

  it('reads the subscription and assignment kafkajs writes', () => {
    const metadata = MemberMetadata.encode({
      version: 0,
      topics: subscription.topics,
      userData: subscription.userData,
    });
    expect(decodeSubscription(metadata)).toEqual({
      version: 0,
      topics: subscription.topics,
      userData: subscription.userData,
      ownedPartitions: [],
    });
    const encoded = MemberAssignment.encode({
      version: 0,
      assignment: { payments: [0, 3, 4], refunds: [1] },
      userData: assignment.userData,
    });
    expect(decodeAssignment(encoded)).toEqual({ version: 0, ...assignment });
  });

  it.each([0, 1])('writes a v%i subscription and assignment kafkajs reads', (version) => {
    expect(MemberMetadata.decode(encodeSubscription(subscription, version))).toEqual({
      version,
      topics: subscription.topics,
      userData: subscription.userData,
    });
    expect(MemberAssignment.decode(encodeAssignment(assignment, version))).toEqual({
      version,
      assignment: { payments: [0, 3, 4], refunds: [1] },
      userData: assignment.userData,
    });
  });
});
