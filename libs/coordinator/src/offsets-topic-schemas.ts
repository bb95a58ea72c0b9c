import { field, message, t } from '@runnel/protocol';

/**
 * The keys and values of `__consumer_offsets` records, after Kafka's
 * group-coordinator/src/main/resources/common/message/*.json. On disk each key and value is an
 * int16 version followed by the struct at that version; the key's version tells the record type
 * (0-1: an offset commit, 2: group metadata).
 */

export const OffsetCommitKey = message({
  name: 'OffsetCommitKey',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [field('group', t.string), field('topic', t.string), field('partition', t.int32)],
});

/** v1 alone carries expireTimestamp (a commit with its own retention); v3 adds leaderEpoch; v4 is flexible. */
export const OffsetCommitValue = message({
  name: 'OffsetCommitValue',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    field('offset', t.int64),
    field('leaderEpoch', t.int32, { versions: '3+', default: -1 }),
    field('metadata', t.string),
    field('commitTimestamp', t.int64),
    field('expireTimestamp', t.int64, { versions: '1', default: -1n }),
  ],
});

export const GroupMetadataKey = message({
  name: 'GroupMetadataKey',
  validVersions: '2',
  flexibleVersions: 'none',
  fields: [field('group', t.string)],
});

/** v1 adds the members' rebalanceTimeout, v2 currentStateTimestamp, v3 groupInstanceId; v4 is flexible. */
export const GroupMetadataValue = message({
  name: 'GroupMetadataValue',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    field('protocolType', t.string),
    field('generation', t.int32),
    field('protocol', t.string, { nullable: '0+' }),
    field('leader', t.string, { nullable: '0+' }),
    field('currentStateTimestamp', t.int64, { versions: '2+', default: -1n }),
    field(
      'members',
      t.array(
        t.struct(
          field('memberId', t.string),
          field('groupInstanceId', t.string, { versions: '3+', nullable: '3+', default: null }),
          field('clientId', t.string),
          field('clientHost', t.string),
          field('rebalanceTimeout', t.int32, { versions: '1+' }),
          field('sessionTimeout', t.int32),
          field('subscription', t.bytes),
          field('assignment', t.bytes),
        ),
      ),
    ),
  ],
});
