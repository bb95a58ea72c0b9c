import { api, field, message, t } from '../schema.js';

/**
 * OffsetCommit (key 8), v0-8. v1 alone carries a per-partition commitTimestamp; v2-4 carry a
 * group-wide retentionTimeMs (-1: the broker's offsets.retention.minutes); v8 is flexible.
 */
export const OffsetCommit = api({
  apiKey: 8,
  name: 'OffsetCommit',
  request: message({
    name: 'OffsetCommitRequest',
    validVersions: '0-8',
    flexibleVersions: '8+',
    fields: [
      field('groupId', t.string),
      field('generationId', t.int32, { versions: '1+', default: -1 }),
      field('memberId', t.string, { versions: '1+' }),
      field('groupInstanceId', t.string, { versions: '7+', nullable: '7+', default: null }),
      field('retentionTimeMs', t.int64, { versions: '2-4', default: -1n }),
      field(
        'topics',
        t.array(
          t.struct(
            field('name', t.string),
            field(
              'partitions',
              t.array(
                t.struct(
                  field('partitionIndex', t.int32),
                  field('committedOffset', t.int64),
                  field('committedLeaderEpoch', t.int32, { versions: '6+', default: -1 }),
                  field('commitTimestamp', t.int64, { versions: '1', default: -1n }),
                  field('committedMetadata', t.string, { nullable: '0+' }),
                ),
              ),
            ),
          ),
        ),
      ),
    ],
  }),
  response: message({
    name: 'OffsetCommitResponse',
    validVersions: '0-8',
    flexibleVersions: '8+',
    fields: [
      field('throttleTimeMs', t.int32, { versions: '3+' }),
      field(
        'topics',
        t.array(
          t.struct(
            field('name', t.string),
            field(
              'partitions',
              t.array(t.struct(field('partitionIndex', t.int32), field('errorCode', t.int16))),
            ),
          ),
        ),
      ),
    ],
  }),
});
