import { api, field, message, t } from '../schema.js';

/**
 * ListOffsets (key 2), v0-5. A request timestamp of -1 asks for the latest offset (the high
 * watermark, or the last stable offset under READ_COMMITTED) and -2 for the earliest. v0 answers
 * with a list of offsets; v1+ with a single offset and its timestamp.
 */
export const ListOffsets = api({
  apiKey: 2,
  name: 'ListOffsets',
  request: message({
    name: 'ListOffsetsRequest',
    validVersions: '0-5',
    flexibleVersions: '6+',
    fields: [
      field('replicaId', t.int32),
      field('isolationLevel', t.int8, { versions: '2+' }),
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
                  field('currentLeaderEpoch', t.int32, { versions: '4+', default: -1 }),
                  field('timestamp', t.int64),
                  field('maxNumOffsets', t.int32, { versions: '0', default: 1 }),
                ),
              ),
            ),
          ),
        ),
      ),
    ],
  }),
  response: message({
    name: 'ListOffsetsResponse',
    validVersions: '0-5',
    flexibleVersions: '6+',
    fields: [
      field('throttleTimeMs', t.int32, { versions: '2+' }),
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
                  field('errorCode', t.int16),
                  field('oldStyleOffsets', t.array(t.int64), { versions: '0' }),
                  field('timestamp', t.int64, { versions: '1+', default: -1n }),
                  field('offset', t.int64, { versions: '1+', default: -1n }),
                  field('leaderEpoch', t.int32, { versions: '4+', default: -1 }),
                ),
              ),
            ),
          ),
        ),
      ),
    ],
  }),
});
