import { api, field, message, t } from '../schema.js';

/** Heartbeat (key 12), v0-4; v4 is flexible. */
export const Heartbeat = api({
  apiKey: 12,
  name: 'Heartbeat',
  request: message({
    name: 'HeartbeatRequest',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
      field('groupId', t.string),
      field('generationId', t.int32),
      field('memberId', t.string),
      field('groupInstanceId', t.string, { versions: '3+', nullable: '3+', default: null }),
    ],
  }),
  response: message({
    name: 'HeartbeatResponse',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [field('throttleTimeMs', t.int32, { versions: '1+' }), field('errorCode', t.int16)],
  }),
});
