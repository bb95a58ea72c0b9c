import { api, field, message, t } from '../schema.js';

/**
 * CreateAcls (key 30), v0-3, transcribed from Kafka's CreateAclsRequest/Response.json; v2 is the
 * first flexible version, v1 adds the pattern type (LITERAL, 3, below it). One result per
 * creation, in the request's order.
 */
export const CreateAcls = api({
  apiKey: 30,
  name: 'CreateAcls',
  request: message({
    name: 'CreateAclsRequest',
    validVersions: '0-3',
    flexibleVersions: '2+',
    fields: [
      field(
        'creations',
        t.array(
          t.struct(
            field('resourceType', t.int8),
            field('resourceName', t.string),
            field('resourcePatternType', t.int8, { versions: '1+', default: 3 }),
            field('principal', t.string),
            field('host', t.string),
            field('operation', t.int8),
            field('permissionType', t.int8),
          ),
        ),
      ),
    ],
  }),
  response: message({
    name: 'CreateAclsResponse',
    validVersions: '0-3',
    flexibleVersions: '2+',
    fields: [
      field('throttleTimeMs', t.int32),
      field(
        'results',
        t.array(t.struct(field('errorCode', t.int16), field('errorMessage', t.string, { nullable: '0+' }))),
      ),
    ],
  }),
});
