import { api, field, message, t } from '../schema.js';

/**
 * CreatePartitions (key 37), v0-1. `count` is the topic's new total; `assignments`, when not
 * null, places each added partition (one entry per new partition, in order).
 */
export const CreatePartitions = api({
  apiKey: 37,
  name: 'CreatePartitions',
  request: message({
    name: 'CreatePartitionsRequest',
    validVersions: '0-1',
    flexibleVersions: '2+',
    fields: [
      field(
        'topics',
        t.array(
          t.struct(
            field('name', t.string),
            field('count', t.int32),
            field('assignments', t.array(t.struct(field('brokerIds', t.array(t.int32)))), { nullable: '0+' }),
          ),
        ),
      ),
      field('timeoutMs', t.int32),
      field('validateOnly', t.bool),
    ],
  }),
  response: message({
    name: 'CreatePartitionsResponse',
    validVersions: '0-1',
    flexibleVersions: '2+',
    fields: [
      field('throttleTimeMs', t.int32),
      field(
        'results',
        t.array(
          t.struct(
            field('name', t.string),
            field('errorCode', t.int16),
            field('errorMessage', t.string, { nullable: '0+', default: null }),
          ),
        ),
      ),
    ],
  }),
});
