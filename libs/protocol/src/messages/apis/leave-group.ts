import { api, field, message, t } from '../schema.js';

/** LeaveGroup (key 13), v0-4. v3 replaced the single memberId with a batch of members; v4 is flexible. */
export const LeaveGroup = api({
  apiKey: 13,
  name: 'LeaveGroup',
  request: message({
    name: 'LeaveGroupRequest',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
      field('groupId', t.string),
      field('memberId', t.string, { versions: '0-2' }),
      field(
        'members',
        t.array(
          t.struct(
            field('memberId', t.string, { versions: '3+' }),
            field('groupInstanceId', t.string, { versions: '3+', nullable: '3+', default: null }),
          ),
        ),
        { versions: '3+' },
      ),
    ],
  }),
  response: message({
    name: 'LeaveGroupResponse',
    validVersions: '0-4',
    flexibleVersions: '4+',
    fields: [
      field('throttleTimeMs', t.int32, { versions: '1+' }),
      field('errorCode', t.int16),
      field(
        'members',
        t.array(
          t.struct(
            field('memberId', t.string, { versions: '3+' }),
            field('groupInstanceId', t.string, { versions: '3+', nullable: '3+' }),
            field('errorCode', t.int16, { versions: '3+' }),
          ),
        ),
        { versions: '3+' },
      ),
    ],
  }),
});
