import { api, field, message, t } from '../schema.js';

/** ListGroups (key 16), v0-2. The request has no fields until v4; v3+ would be flexible. */
export const ListGroups = api({
  apiKey: 16,
  name: 'ListGroups',
  request: message({
    name: 'ListGroupsRequest',
    validVersions: '0-2',
    flexibleVersions: '3+',
    fields: [],
  }),
  response: message({
    name: 'ListGroupsResponse',
    validVersions: '0-2',
    flexibleVersions: '3+',
    fields: [
      field('throttleTimeMs', t.int32, { versions: '1+' }),
      field('errorCode', t.int16),
      field('groups', t.array(t.struct(field('groupId', t.string), field('protocolType', t.string)))),
    ],
  }),
});
