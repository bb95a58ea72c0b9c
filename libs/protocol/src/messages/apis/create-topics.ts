import { api, field, message, t } from '../schema.js';

/**
 * CreateTopics (key 19), v0-4. A topic gives either `numPartitions` and `replicationFactor`, or
 * manual `assignments` with both counts -1; from v4 the counts may be -1 without assignments, to
 * take the broker's defaults. From v5 (flexible) the response tells what was created: counts and
 * configs (null when they may not be described); v7 adds the topic id, the zero UUID from a broker
 * that assigns none.
 */
export const CreateTopics = api({
  apiKey: 19,
  name: 'CreateTopics',
  request: message({
    name: 'CreateTopicsRequest',
    validVersions: '0-7',
    flexibleVersions: '5+',
    fields: [
      field(
        'topics',
        t.array(
          t.struct(
            field('name', t.string),
            field('numPartitions', t.int32),
            field('replicationFactor', t.int16),
            field(
              'assignments',
              t.array(t.struct(field('partitionIndex', t.int32), field('brokerIds', t.array(t.int32)))),
            ),
            field(
              'configs',
              t.array(t.struct(field('name', t.string), field('value', t.string, { nullable: '0+' }))),
            ),
          ),
        ),
      ),
      field('timeoutMs', t.int32, { default: 60000 }),
      field('validateOnly', t.bool, { versions: '1+', default: false }),
    ],
  }),
  response: message({
    name: 'CreateTopicsResponse',
    validVersions: '0-7',
    flexibleVersions: '5+',
    fields: [
      field('throttleTimeMs', t.int32, { versions: '2+' }),
      field(
        'topics',
        t.array(
          t.struct(
            field('name', t.string),
            field('topicId', t.uuid, { versions: '7+' }),
            field('errorCode', t.int16),
            field('errorMessage', t.string, { versions: '1+', nullable: '0+' }),
            field('topicConfigErrorCode', t.int16, { versions: '5+', tag: 0 }),
            field('numPartitions', t.int32, { versions: '5+', default: -1 }),
            field('replicationFactor', t.int16, { versions: '5+', default: -1 }),
            field(
              'configs',
              t.array(
                t.struct(
                  field('name', t.string, { versions: '5+' }),
                  field('value', t.string, { versions: '5+', nullable: '5+' }),
                  field('readOnly', t.bool, { versions: '5+' }),
                  field('configSource', t.int8, { versions: '5+', default: -1 }),
                  field('isSensitive', t.bool, { versions: '5+' }),
                ),
              ),
              { versions: '5+', nullable: '5+' },
            ),
          ),
        ),
      ),
    ],
  }),
});
