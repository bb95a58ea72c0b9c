import { api, field, message, t } from '../schema.js';

/**
 * Fetch (key 1), v0-12; v12 is flexible. A partition's `records` are log bytes sent as read:
 * record batches (or a legacy message set), possibly ending in a partial batch cut off at
 * `partitionMaxBytes`. v12 (KIP-595) adds the fetcher's `lastFetchedEpoch` and, as tagged fields
 * of the response, the `divergingEpoch` a follower must truncate to, the `currentLeader` and a
 * `snapshotId`; each keeps its -1 defaults (and so stays off the wire) unless set.
 */
export const Fetch = api({
  apiKey: 1,
  name: 'Fetch',
  request: message({
    name: 'FetchRequest',
    validVersions: '0-12',
    flexibleVersions: '12+',
    fields: [
      field('clusterId', t.string, { versions: '12+', nullable: '12+', default: null, tag: 0 }),
      field('replicaId', t.int32, { versions: '0-14', default: -1 }),
      field('maxWaitMs', t.int32),
      field('minBytes', t.int32),
      field('maxBytes', t.int32, { versions: '3+', default: 0x7fffffff }),
      field('isolationLevel', t.int8, { versions: '4+', default: 0 }),
      field('sessionId', t.int32, { versions: '7+', default: 0 }),
      field('sessionEpoch', t.int32, { versions: '7+', default: -1 }),
      field(
        'topics',
        t.array(
          t.struct(
            field('topic', t.string, { versions: '0-12' }),
            field(
              'partitions',
              t.array(
                t.struct(
                  field('partition', t.int32),
                  field('currentLeaderEpoch', t.int32, { versions: '9+', default: -1 }),
                  field('fetchOffset', t.int64),
                  field('lastFetchedEpoch', t.int32, { versions: '12+', default: -1 }),
                  field('logStartOffset', t.int64, { versions: '5+', default: -1n }),
                  field('partitionMaxBytes', t.int32),
                ),
              ),
            ),
          ),
        ),
      ),
      field(
        'forgottenTopicsData',
        t.array(
          t.struct(
            field('topic', t.string, { versions: '7-12' }),
            field('partitions', t.array(t.int32), { versions: '7+' }),
          ),
        ),
        { versions: '7+' },
      ),
      field('rackId', t.string, { versions: '11+', default: '' }),
    ],
  }),
  response: message({
    name: 'FetchResponse',
    validVersions: '0-12',
    flexibleVersions: '12+',
    fields: [
      field('throttleTimeMs', t.int32, { versions: '1+' }),
      field('errorCode', t.int16, { versions: '7+' }),
      field('sessionId', t.int32, { versions: '7+', default: 0 }),
      field(
        'responses',
        t.array(
          t.struct(
            field('topic', t.string, { versions: '0-12' }),
            field(
              'partitions',
              t.array(
                t.struct(
                  field('partitionIndex', t.int32),
                  field('errorCode', t.int16),
                  field('highWatermark', t.int64),
                  field('lastStableOffset', t.int64, { versions: '4+', default: -1n }),
                  field('logStartOffset', t.int64, { versions: '5+', default: -1n }),
                  field(
                    'divergingEpoch',
                    t.struct(
                      field('epoch', t.int32, { versions: '12+', default: -1 }),
                      field('endOffset', t.int64, { versions: '12+', default: -1n }),
                    ),
                    { versions: '12+', tag: 0 },
                  ),
                  field(
                    'currentLeader',
                    t.struct(
                      field('leaderId', t.int32, { versions: '12+', default: -1 }),
                      field('leaderEpoch', t.int32, { versions: '12+', default: -1 }),
                    ),
                    { versions: '12+', tag: 1 },
                  ),
                  field(
                    'snapshotId',
                    t.struct(
                      field('endOffset', t.int64, { default: -1n }),
                      field('epoch', t.int32, { default: -1 }),
                    ),
                    { versions: '12+', tag: 2 },
                  ),
                  field(
                    'abortedTransactions',
                    t.array(t.struct(field('producerId', t.int64), field('firstOffset', t.int64))),
                    { versions: '4+', nullable: '4+' },
                  ),
                  field('preferredReadReplica', t.int32, { versions: '11+', default: -1 }),
                  field('records', t.records, { nullable: '0+' }),
                ),
              ),
            ),
          ),
        ),
      ),
    ],
  }),
});
