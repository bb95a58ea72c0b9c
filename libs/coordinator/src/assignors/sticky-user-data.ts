import {
  decodeFrom,
  encode,
  field,
  type MessageSchema,
  message,
  ProtocolError,
  Reader,
  t,
} from '@runnel/protocol';
import type { TopicPartitions } from './partition-assignor.js';

/** The generation of a member that has not completed a rebalance yet (Kafka's DEFAULT_GENERATION). */
export const DEFAULT_GENERATION = -1;

/** What a member says it owned going into a rebalance, and in which generation it owned it. */
export interface OwnershipClaim {
  readonly partitions: readonly TopicPartitions[];
  readonly generation: number;
}

/**
 * The user data of Kafka's StickyAssignor: the member's previous assignment and, from Kafka 2.3
 * on, the generation it was made in. No version is written; as Kafka does, a reader tries v1 and
 * falls back to v0 when the bytes are too short for it, and ignores bytes after the last field.
 *
 *   v0 => previous_assignment:[topic:string partitions:[int32]]
 *   v1 => previous_assignment:[topic:string partitions:[int32]] generation:int32
 */
const StickyAssignorUserData = message({
  name: 'StickyAssignorUserData',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    field(
      'previousAssignment',
      t.array(t.struct(field('topic', t.string), field('partitions', t.array(t.int32)))),
    ),
    field('generation', t.int32, { versions: '1+', default: DEFAULT_GENERATION }),
  ],
});

/**
 * The user data of Kafka's CooperativeStickyAssignor: only the generation, since the owned
 * partitions travel in the subscription itself (v1+). Unversioned, trailing bytes ignored.
 *
 *   generation:int32
 */
const CooperativeStickyAssignorUserData = message({
  name: 'CooperativeStickyAssignorUserData',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [field('generation', t.int32)],
});

export function encodeStickyUserData(claim: OwnershipClaim): Buffer {
  return encode(StickyAssignorUserData, 1, {
    previousAssignment: claim.partitions.map(({ topic, partitions }) => ({
      topic,
      partitions: [...partitions],
    })),
    generation: claim.generation,
  });
}

/** The claim in StickyAssignor user data; null when the bytes are neither v1 nor v0. */
export function decodeStickyUserData(userData: Buffer): OwnershipClaim | null {
  const decoded =
    decodeLeniently(StickyAssignorUserData, 1, userData) ??
    decodeLeniently(StickyAssignorUserData, 0, userData);
  if (decoded === null) return null;
  return { partitions: decoded.previousAssignment, generation: decoded.generation };
}

export function encodeCooperativeUserData(generation: number): Buffer {
  return encode(CooperativeStickyAssignorUserData, 0, { generation });
}

/** The generation in CooperativeStickyAssignor user data; null when there is none to read. */
export function decodeCooperativeUserData(userData: Buffer): number | null {
  return decodeLeniently(CooperativeStickyAssignorUserData, 0, userData)?.generation ?? null;
}

function decodeLeniently<T>(schema: MessageSchema<T>, version: number, bytes: Buffer): T | null {
  try {
    return decodeFrom(new Reader(bytes), schema, version);
  } catch (error) {
    if (error instanceof ProtocolError) return null;
    throw error;
  }
}
