import { api, field, message, t } from '../schema.js';

/** DeleteTopics (key 20), v0-3: topics by name (v6 moves to names or ids). */
export const DeleteTopics = api({
  apiKey: 20,
  name: 'DeleteTopics',
  request: message({
    name: 'DeleteTopicsRequest',
    validVersions: '0-3',
    flexibleVersions: '4+',
    fields: [field('topicNames', t.array(t.string), { versions: '0-5' }), field('timeoutMs', t.int32)],
  }),
  response: message({
    name: 'DeleteTopicsResponse',
    validVersions: '0-3',
    flexibleVersions: '4+',
    fields: [
      field('throttleTimeMs', t.int32, { versions: '1+' }),
      field(
        'responses',
        t.array(t.struct(field('name', t.string, { nullable: '6+' }), field('errorCode', t.int16))),
      ),
    ],
  }),
});
