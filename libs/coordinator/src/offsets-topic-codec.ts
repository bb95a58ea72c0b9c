import {
  decode,
  encode,
  type InputOf,
  inRange,
  type MessageSchema,
  ProtocolError,
  Writer,
} from '@runnel/protocol';
import type { GroupMetadataSnapshot, GroupRecord } from './group-records.js';
import type { OffsetAndMetadata } from './offset-and-metadata.js';
import {
  GroupMetadataKey,
  GroupMetadataValue,
  OffsetCommitKey,
  OffsetCommitValue,
} from './offsets-topic-schemas.js';

/** A `__consumer_offsets` record as bytes; a null value is a tombstone. */
export interface EncodedGroupRecord {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/**
 * The versions Kafka 2.3+ writes, so a Kafka broker could read Runnel's log: key v1 for offset
 * commits (v0 is the same layout), value v3, or v1 for a commit with its own expire timestamp
 * (the only version that has the field); group key v2 and value v3.
 */
const OFFSET_COMMIT_KEY_VERSION = 1;
const GROUP_METADATA_KEY_VERSION = 2;
const OFFSET_COMMIT_VALUE_VERSION = 3;
const OFFSET_COMMIT_VALUE_WITH_EXPIRY_VERSION = 1;
const GROUP_METADATA_VALUE_VERSION = 3;

export function encodeGroupRecord(record: GroupRecord): EncodedGroupRecord {
  if (record.type === 'offset-commit') {
    const key = versioned(OffsetCommitKey, OFFSET_COMMIT_KEY_VERSION, {
      group: record.groupId,
      topic: record.topic,
      partition: record.partition,
    });
    const v = record.value;
    if (v === null) return { key, value: null };
    const version =
      v.expireTimestamp === null ? OFFSET_COMMIT_VALUE_VERSION : OFFSET_COMMIT_VALUE_WITH_EXPIRY_VERSION;
    const value = versioned(OffsetCommitValue, version, {
      offset: v.offset,
      leaderEpoch: v.leaderEpoch,
      metadata: v.metadata,
      commitTimestamp: BigInt(v.commitTimestamp),
      expireTimestamp: BigInt(v.expireTimestamp ?? -1),
    });
    return { key, value };
  }
  const key = versioned(GroupMetadataKey, GROUP_METADATA_KEY_VERSION, { group: record.groupId });
  const g = record.value;
  if (g === null) return { key, value: null };
  const value = versioned(GroupMetadataValue, GROUP_METADATA_VALUE_VERSION, {
    protocolType: g.protocolType,
    generation: g.generationId,
    protocol: g.protocolName,
    leader: g.leaderId,
    currentStateTimestamp: BigInt(g.currentStateTimestamp ?? -1),
    members: g.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeout: m.rebalanceTimeoutMs,
      sessionTimeout: m.sessionTimeoutMs,
      subscription: m.subscription,
      assignment: m.assignment,
    })),
  });
  return { key, value };
}

/**
 * Reads a record of `__consumer_offsets` back. Throws a ProtocolError for a key or value version
 * this coordinator does not know (the codec refuses versions outside a schema's range) (another record type of a newer Kafka, or corruption): replaying
 * past a record it cannot read would silently lose a group.
 */
export function decodeGroupRecord(key: Buffer, value: Buffer | null): GroupRecord {
  const keyVersion = readVersion(key, '__consumer_offsets key');
  const keyBody = key.subarray(2);
  if (inRange(OffsetCommitKey.validVersions, keyVersion)) {
    const k = decode(OffsetCommitKey, keyVersion, keyBody);
    return {
      type: 'offset-commit',
      groupId: k.group,
      topic: k.topic,
      partition: k.partition,
      value: value === null ? null : offsetAndMetadata(value),
    };
  }
  if (inRange(GroupMetadataKey.validVersions, keyVersion)) {
    const k = decode(GroupMetadataKey, keyVersion, keyBody);
    return { type: 'group-metadata', groupId: k.group, value: value === null ? null : groupSnapshot(value) };
  }
  throw new ProtocolError(
    `key version ${keyVersion} is neither an offset commit (0-1) nor group metadata (2)`,
    '__consumer_offsets key',
  );
}

function offsetAndMetadata(bytes: Buffer): OffsetAndMetadata {
  const version = readVersion(bytes, 'OffsetCommitValue');
  const v = decode(OffsetCommitValue, version, bytes.subarray(2));
  return {
    offset: v.offset,
    leaderEpoch: v.leaderEpoch,
    metadata: v.metadata,
    commitTimestamp: Number(v.commitTimestamp),
    expireTimestamp: v.expireTimestamp === -1n ? null : Number(v.expireTimestamp),
  };
}

function groupSnapshot(bytes: Buffer): GroupMetadataSnapshot {
  const version = readVersion(bytes, 'GroupMetadataValue');
  const g = decode(GroupMetadataValue, version, bytes.subarray(2));
  return {
    protocolType: g.protocolType,
    generationId: g.generation,
    protocolName: g.protocol,
    leaderId: g.leader,
    currentStateTimestamp: g.currentStateTimestamp === -1n ? null : Number(g.currentStateTimestamp),
    members: g.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      // v0 had no rebalance timeout: the session timeout bounded the rebalance, as Kafka reads it.
      rebalanceTimeoutMs: version === 0 ? m.sessionTimeout : m.rebalanceTimeout,
      sessionTimeoutMs: m.sessionTimeout,
      subscription: m.subscription,
      assignment: m.assignment,
    })),
  };
}

function versioned<T>(schema: MessageSchema<T>, version: number, value: InputOf<T>): Buffer {
  const body = encode(schema, version, value);
  return Buffer.concat([new Writer(2).int16(version).finish(), body]);
}

function readVersion(bytes: Buffer, what: string): number {
  if (bytes.length < 2) throw new ProtocolError(`${bytes.length} byte(s), too short for a version`, what);
  return bytes.readInt16BE(0);
}
