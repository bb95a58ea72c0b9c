import { api, field, message, t } from '../schema.js';

/**
 * DeleteRecords (key 21), v0-1. Moves each partition's log start offset up to `offset` (-1: the
 * high watermark); the response's `lowWatermark` is the log start offset after the deletion.
 */
export const DeleteRecords = api({
  apiKey: 21,
  name: 'DeleteRecords',
  request: message({
    name: 'DeleteRecordsRequest',
    validVersions: '0-1',
    flexibleVersions: '2+',
    fields: [
      field(
        'topics',
        t.array(
          t.struct(
            field('name', t.string),
            field(
              'partitions',
              t.array(t.struct(field('partitionIndex', t.int32), field('offset', t.int64))),
            ),
          ),
        ),
      ),
      field('timeoutMs', t.int32),
    ],
  }),
  response: message({
    name: 'DeleteRecordsResponse',
    validVersions: '0-1',
    flexibleVersions: '2+',
    fields: [
      field('throttleTimeMs', t.int32),
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
                  field('lowWatermark', t.int64),
                  field('errorCode', t.int16),
                ),
              ),
            ),
          ),
        ),
      ),
    ],
  }),
});
