import { Reader } from '../bytes/reader.js';
import { Writer } from '../bytes/writer.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { decodeFrom, encodeInto } from './codec.js';
import { type DataOf, field, type InputOf, type MessageSchema, message, t } from './schema.js';

/**
 * The consumer protocol (protocol type `consumer`): what a consumer puts in its JoinGroup protocol
 * metadata (a subscription) and what the group leader hands each member through SyncGroup (an
 * assignment). Each payload is an int16 version followed by the body at that version:
 *
 *   Subscription => version:int16 topics:[string] userData:nullable-bytes
 *                   ownedPartitions:[topic:string partitions:[int32]]   (v1+)
 *   Assignment   => version:int16 assignedPartitions:[topic:string partitions:[int32]]
 *                   userData:nullable-bytes                             (v1 = v0)
 *
 * Later versions only ever append fields, so, as Kafka's consumers do, a payload of a version
 * newer than ours is read as our highest version and whatever follows is ignored. Bytes after
 * the known fields are ignored at every version, as Kafka ignores them.
 */

const topicPartitions = t.struct(field('topic', t.string), field('partitions', t.array(t.int32)));

export const ConsumerProtocolSubscription = message({
  name: 'ConsumerProtocolSubscription',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    field('topics', t.array(t.string)),
    field('userData', t.bytes, { nullable: '0+', default: null }),
    /** What the member owns going into the rebalance, for the cooperative and sticky assignors. */
    field('ownedPartitions', t.array(topicPartitions), { versions: '1+' }),
  ],
});

export const ConsumerProtocolAssignment = message({
  name: 'ConsumerProtocolAssignment',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    field('assignedPartitions', t.array(topicPartitions)),
    field('userData', t.bytes, { nullable: '0+', default: null }),
  ],
});

/** A decoded subscription, with the version its sender wrote (possibly newer than we read). */
export type ConsumerSubscription = DataOf<typeof ConsumerProtocolSubscription> & { version: number };

/** A decoded assignment, with the version its sender wrote (possibly newer than we read). */
export type ConsumerAssignment = DataOf<typeof ConsumerProtocolAssignment> & { version: number };

export function encodeSubscription(
  value: InputOf<DataOf<typeof ConsumerProtocolSubscription>>,
  version: number,
): Buffer {
  return encodeVersioned(ConsumerProtocolSubscription, value, version);
}

export function decodeSubscription(bytes: Buffer): ConsumerSubscription {
  return decodeVersioned(ConsumerProtocolSubscription, new Reader(bytes));
}

export function encodeAssignment(
  value: InputOf<DataOf<typeof ConsumerProtocolAssignment>>,
  version: number,
): Buffer {
  return encodeVersioned(ConsumerProtocolAssignment, value, version);
}

/**
 * An empty payload is the assignment of a member the leader gave nothing (Kafka's coordinator
 * sends one to members missing from the leader's SyncGroup): it decodes as an empty v0 assignment.
 */
export function decodeAssignment(bytes: Buffer): ConsumerAssignment {
  if (bytes.length === 0) return { version: 0, assignedPartitions: [], userData: null };
  return decodeVersioned(ConsumerProtocolAssignment, new Reader(bytes));
}

function encodeVersioned<T>(schema: MessageSchema<T>, value: InputOf<T>, version: number): Buffer {
  const w = new Writer();
  w.int16(version);
  encodeInto(w, schema, version, value);
  return w.finish();
}

function decodeVersioned<T>(schema: MessageSchema<T>, r: Reader): T & { version: number } {
  const version = r.int16(`${schema.name}.version`);
  if (version < schema.validVersions.min) {
    throw new ProtocolError(
      `version ${version} is below the lowest version ${schema.validVersions.min}`,
      `${schema.name}.version`,
    );
  }
  const body = decodeFrom(r, schema, Math.min(version, schema.validVersions.max));
  return { version, ...body };
}
