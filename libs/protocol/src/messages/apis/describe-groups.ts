import { api, field, message, t } from '../schema.js';

/** DescribeGroups (key 15), v0-4. v5+ would be flexible. */
export const DescribeGroups = api({
  apiKey: 15,
  name: 'DescribeGroups',
  request: message({
    name: 'DescribeGroupsRequest',
    validVersions: '0-4',
    flexibleVersions: '5+',
    fields: [
      field('groups', t.array(t.string)),
      field('includeAuthorizedOperations', t.bool, { versions: '3+' }),
    ],
  }),
  response: message({
    name: 'DescribeGroupsResponse',
    validVersions: '0-4',
    flexibleVersions: '5+',
    fields: [
      field('throttleTimeMs', t.int32, { versions: '1+' }),
      field(
        'groups',
        t.array(
          t.struct(
            field('errorCode', t.int16),
            field('groupId', t.string),
            /** The state's name (`Stable`, `PreparingRebalance`, ...), or ''. */
            field('groupState', t.string),
            field('protocolType', t.string),
            /** The selected protocol's name; filled in only while the group is Stable. */
            field('protocolData', t.string),
            field(
              'members',
              t.array(
                t.struct(
                  field('memberId', t.string),
                  field('groupInstanceId', t.string, { versions: '4+', nullable: '4+', default: null }),
                  field('clientId', t.string),
                  field('clientHost', t.string),
                  field('memberMetadata', t.bytes),
                  field('memberAssignment', t.bytes),
                ),
              ),
            ),
            /** A bit per ACL operation; INT32_MIN when not requested. */
            field('authorizedOperations', t.int32, { versions: '3+', default: -2147483648 }),
          ),
        ),
      ),
    ],
  }),
});
