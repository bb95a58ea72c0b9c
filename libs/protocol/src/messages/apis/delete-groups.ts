import { api, field, message, t } from '../schema.js';

/** DeleteGroups (key 42), v0-1. v2+ would be flexible. */
export const DeleteGroups = api({
  apiKey: 42,
  name: 'DeleteGroups',
  request: message({
    name: 'DeleteGroupsRequest',
    validVersions: '0-1',
    flexibleVersions: '2+',
    fields: [field('groupsNames', t.array(t.string))],
  }),
  response: message({
    name: 'DeleteGroupsResponse',
    validVersions: '0-1',
    flexibleVersions: '2+',
    fields: [
      field('throttleTimeMs', t.int32),
      field('results', t.array(t.struct(field('groupId', t.string), field('errorCode', t.int16)))),
    ],
  }),
});
