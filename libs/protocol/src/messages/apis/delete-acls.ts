import { api, field, message, t } from '../schema.js';

/**
 * DeleteAcls (key 31), v0-3, transcribed from Kafka's DeleteAclsRequest/Response.json; v2 is the
 * first flexible version, v1 adds the pattern types (LITERAL, 3, below it). Each filter gets a
 * result listing the ACLs it deleted.
 */
export const DeleteAcls = api({
  apiKey: 31,
  name: 'DeleteAcls',
  request: message({
    name: 'DeleteAclsRequest',
    validVersions: '0-3',
    flexibleVersions: '2+',
    fields: [
      field(
        'filters',
        t.array(
          t.struct(
            field('resourceTypeFilter', t.int8),
            field('resourceNameFilter', t.string, { nullable: '0+' }),
            field('patternTypeFilter', t.int8, { versions: '1+', default: 3 }),
            field('principalFilter', t.string, { nullable: '0+' }),
            field('hostFilter', t.string, { nullable: '0+' }),
            field('operation', t.int8),
            field('permissionType', t.int8),
          ),
        ),
      ),
    ],
  }),
  response: message({
    name: 'DeleteAclsResponse',
    validVersions: '0-3',
    flexibleVersions: '2+',
    fields: [
      field('throttleTimeMs', t.int32),
      field(
        'filterResults',
        t.array(
          t.struct(
            field('errorCode', t.int16),
            field('errorMessage', t.string, { nullable: '0+' }),
            field(
              'matchingAcls',
              t.array(
                t.struct(
                  field('errorCode', t.int16),
                  field('errorMessage', t.string, { nullable: '0+' }),
                  field('resourceType', t.int8),
                  field('resourceName', t.string),
                  field('patternType', t.int8, { versions: '1+', default: 3 }),
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
