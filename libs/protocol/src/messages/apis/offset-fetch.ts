import { api, field, message, t } from '../schema.js';

/**
 * OffsetFetch (key 9), v0-8; v6+ is flexible. From v2 a null topics array asks for every committed
 * offset of the group and the response carries a group-level errorCode. v7 adds `requireStable`:
 * wait for offsets that pending transactions may still commit. v8 (KIP-709) asks for several
 * groups at once, each with its own topics (null: all) and answered with its own errorCode.
 */
export const OffsetFetch = api({
  apiKey: 9,
  name: 'OffsetFetch',
  request: message({
    name: 'OffsetFetchRequest',
    validVersions: '0-8',
    flexibleVersions: '6+',
    fields: [
      field('groupId', t.string, { versions: '0-7' }),
      field(
        'topics',
        t.array(
          t.struct(
            field('name', t.string, { versions: '0-7' }),
            field('partitionIndexes', t.array(t.int32), { versions: '0-7' }),
          ),
        ),
        { versions: '0-7', nullable: '2-7' },
      ),
      field(
        'groups',
        t.array(
          t.struct(
            field('groupId', t.string, { versions: '8+' }),
            field(
              'topics',
              t.array(
                t.struct(
                  field('name', t.string, { versions: '8+' }),
                  field('partitionIndexes', t.array(t.int32), { versions: '8+' }),
                ),
              ),
              { versions: '8+', nullable: '8+' },
            ),
          ),
        ),
        { versions: '8+' },
      ),
      field('requireStable', t.bool, { versions: '7+', default: false }),
    ],
  }),
  response: message({
    name: 'OffsetFetchResponse',
    validVersions: '0-8',
    flexibleVersions: '6+',
    fields: [
      field('throttleTimeMs', t.int32, { versions: '3+' }),
      field(
        'topics',
        t.array(
          t.struct(
            field('name', t.string, { versions: '0-7' }),
            field(
              'partitions',
              t.array(
                t.struct(
                  field('partitionIndex', t.int32, { versions: '0-7' }),
                  /** -1 when the group has no committed offset for the partition. */
                  field('committedOffset', t.int64, { versions: '0-7' }),
                  field('committedLeaderEpoch', t.int32, { versions: '5-7', default: -1 }),
                  field('metadata', t.string, { versions: '0-7', nullable: '0-7' }),
                  field('errorCode', t.int16, { versions: '0-7' }),
                ),
              ),
              { versions: '0-7' },
            ),
          ),
        ),
        { versions: '0-7' },
      ),
      field('errorCode', t.int16, { versions: '2-7' }),
      field(
        'groups',
        t.array(
          t.struct(
            field('groupId', t.string, { versions: '8+' }),
            field(
              'topics',
              t.array(
                t.struct(
                  field('name', t.string, { versions: '8+' }),
                  field(
                    'partitions',
                    t.array(
                      t.struct(
                        field('partitionIndex', t.int32, { versions: '8+' }),
                        field('committedOffset', t.int64, { versions: '8+' }),
                        field('committedLeaderEpoch', t.int32, { versions: '8+', default: -1 }),
                        field('metadata', t.string, { versions: '8+', nullable: '8+' }),
                        field('errorCode', t.int16, { versions: '8+' }),
                      ),
                    ),
                    { versions: '8+' },
                  ),
                ),
              ),
              { versions: '8+' },
            ),
            field('errorCode', t.int16, { versions: '8+' }),
          ),
        ),
        { versions: '8+' },
      ),
    ],
  }),
});
