import { api, field, message, t } from '../schema.js';

/** SyncGroup (key 14), v0-4; v4 is flexible. */
export const SyncGroup = api({
  apiKey: 14,
  name: 'SyncGroup',
  request: message({
    name: 'SyncGroupRequest',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
      field('groupId', t.string),
      field('generationId', t.int32),
      field('memberId', t.string),
      field('groupInstanceId', t.string, { versions: '3+', nullable: '3+', default: null }),
      /** Sent by the leader only; followers send an empty array. */
      field('assignments', t.array(t.struct(field('memberId', t.string), field('assignment', t.bytes)))),
    ],
  }),
  response: message({
    name: 'SyncGroupResponse',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
      field('throttleTimeMs', t.int32, { versions: '1+' }),
      field('errorCode', t.int16),
      field('assignment', t.bytes),
    ],
  }),
});
