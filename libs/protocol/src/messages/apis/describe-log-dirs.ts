import { api, field, message, t } from '../schema.js';

/**
 * DescribeLogDirs (key 35), v0-4; v2 is the first flexible version. The request names topics and
 * partitions, or is null for every partition the broker holds. The response lists each log
 * directory with the partitions in it: `partitionSize` is the bytes of its segment files,
 * `offsetLag` how far its log end lags the high watermark (or, for a future log being moved by
 * AlterReplicaLogDirs, the current log's end), `isFutureKey` whether it is such a future log. v3
 * adds a top-level error code; v4 the volume's total and usable bytes (-1 when unknown).
 */
export const DescribeLogDirs = api({
  apiKey: 35,
  name: 'DescribeLogDirs',
  request: message({
    name: 'DescribeLogDirsRequest',
    validVersions: '0-4',
    flexibleVersions: '2+',
    fields: [
      field('topics', t.array(t.struct(field('topic', t.string), field('partitions', t.array(t.int32)))), {
        nullable: '0+',
      }),
    ],
  }),
  response: message({
    name: 'DescribeLogDirsResponse',
    validVersions: '0-4',
    flexibleVersions: '2+',
    fields: [
      field('throttleTimeMs', t.int32),
      field('errorCode', t.int16, { versions: '3+' }),
      field(
        'results',
        t.array(
          t.struct(
            field('errorCode', t.int16),
            field('logDir', t.string),
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
                        field('partitionSize', t.int64),
                        field('offsetLag', t.int64),
                        field('isFutureKey', t.bool),
                      ),
                    ),
                  ),
                ),
              ),
            ),
            field('totalBytes', t.int64, { versions: '4+', default: -1n }),
            field('usableBytes', t.int64, { versions: '4+', default: -1n }),
          ),
        ),
      ),
    ],
  }),
});
