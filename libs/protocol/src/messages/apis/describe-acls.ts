import { api, field, message, t } from '../schema.js';

/**
 * DescribeAcls (key 29), v0-3, transcribed from Kafka's DescribeAclsRequest/Response.json; v2 is
 * the first flexible version, v1 adds the pattern type (LITERAL, 3, below it). The request is a
 * filter (ANY codes and null strings match anything); the response groups the matching ACLs by
 * resource pattern.
 */
export const DescribeAcls = api({
  apiKey: 29,
  name: 'DescribeAcls',
  request: message({
    name: 'DescribeAclsRequest',
    validVersions: '0-3',
    flexibleVersions: '2+',
    fields: [
      field('resourceTypeFilter', t.int8),
      field('resourceNameFilter', t.string, { nullable: '0+' }),
      field('patternTypeFilter', t.int8, { versions: '1+', default: 3 }),
      field('principalFilter', t.string, { nullable: '0+' }),
      field('hostFilter', t.string, { nullable: '0+' }),
      field('operation', t.int8),
      field('permissionType', t.int8),
    ],
  }),
  response: message({
    name: 'DescribeAclsResponse',
    validVersions: '0-3',
    flexibleVersions: '2+',
    fields: [
      field('throttleTimeMs', t.int32),
      field('errorCode', t.int16),
      field('errorMessage', t.string, { nullable: '0+' }),
      field(
        'resources',
        t.array(
          t.struct(
            field('resourceType', t.int8),
            field('resourceName', t.string),
            field('patternType', t.int8, { versions: '1+', default: 3 }),
            field(
              'acls',
              t.array(
                t.struct(
                  field('principal', t.string),
                  field('host', t.string),
                  field('operation', t.int8),
                  field('permissionType', t.int8),
                ),
              ),
            ),
          ),
        ),
      ),
    ],
  }),
});
