import { api, field, message, t } from '../schema.js';

/** JoinGroup (key 11), v0-6; v6 is flexible. */
export const JoinGroup = api({
  apiKey: 11,
  name: 'JoinGroup',
  request: message({
    name: 'JoinGroupRequest',
    validVersions: '0-6',
    flexibleVersions: '6+',
    fields: [
      field('groupId', t.string),
      field('sessionTimeoutMs', t.int32),
      /** Absent in v0, where the session timeout also bounds the rebalance; -1 is a placeholder. */
      field('rebalanceTimeoutMs', t.int32, { versions: '1+', default: -1 }),
      field('memberId', t.string),
      field('groupInstanceId', t.string, { versions: '5+', nullable: '5+', default: null }),
      field('protocolType', t.string),
      field('protocols', t.array(t.struct(field('name', t.string), field('metadata', t.bytes)))),
    ],
  }),
  response: message({
    name: 'JoinGroupResponse',
    validVersions: '0-6',
    flexibleVersions: '6+',
    fields: [
      field('throttleTimeMs', t.int32, { versions: '2+' }),
      field('errorCode', t.int16),
      field('generationId', t.int32, { default: -1 }),
      field('protocolName', t.string),
      field('leader', t.string),
      field('memberId', t.string),
      field(
        'members',
        t.array(
          t.struct(
            field('memberId', t.string),
            field('groupInstanceId', t.string, { versions: '5+', nullable: '5+', default: null }),
            field('metadata', t.bytes),
          ),
        ),
      ),
    ],
  }),
});
