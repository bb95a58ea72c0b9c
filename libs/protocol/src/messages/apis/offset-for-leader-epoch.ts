import { api, field, message, t } from '../schema.js';

/**
 * OffsetForLeaderEpoch (key 23), v0-4 (KIP-101, KIP-320): for each partition and leader epoch,
 * the largest epoch of the leader's log at or below it and the offset where that epoch ends (the
 * log end offset for the latest epoch); -1 and -1 when the log has no such epoch. A follower
 * truncates to it after a leader change; consumers (librdkafka, Java) validate their position
 * with it after a leader change. `currentLeaderEpoch` v2+ (fencing), `replicaId` v3+, flexible
 * from v4.
 */
export const OffsetForLeaderEpoch = api({
  apiKey: 23,
  name: 'OffsetForLeaderEpoch',
  request: message({
    name: 'OffsetForLeaderEpochRequest',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
      field('replicaId', t.int32, { versions: '3+', default: -2 }),
      field(
        'topics',
        t.array(
          t.struct(
            field('topic', t.string),
            field(
              'partitions',
              t.array(
                t.struct(
                  field('partition', t.int32),
                  field('currentLeaderEpoch', t.int32, { versions: '2+', default: -1 }),
                  field('leaderEpoch', t.int32),
                ),
              ),
            ),
          ),
        ),
      ),
    ],
  }),
  response: message({
    name: 'OffsetForLeaderEpochResponse',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
      field('throttleTimeMs', t.int32, { versions: '2+' }),
      field(
        'topics',
        t.array(
          t.struct(
            field('topic', t.string),
            field(
              'partitions',
              t.array(
                t.struct(
                  field('errorCode', t.int16),
                  field('partition', t.int32),
                  field('leaderEpoch', t.int32, { versions: '1+', default: -1 }),
                  field('endOffset', t.int64, { default: -1n }),
                ),
              ),
            ),
          ),
        ),
      ),
    ],
  }),
});
