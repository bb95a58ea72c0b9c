import { api, field, message, t } from '../schema.js';

/**
 * IncrementalAlterConfigs (key 44), v0-1; v1 is the first flexible version. Each config names an
 * operation: 0 SET, 1 DELETE (back to the default), 2 APPEND and 3 SUBTRACT (list configs only).
 * Resource types as in DescribeConfigs: 2 topic, 4 broker, 8 broker logger.
 */
export const IncrementalAlterConfigs = api({
  apiKey: 44,
  name: 'IncrementalAlterConfigs',
  request: message({
    name: 'IncrementalAlterConfigsRequest',
    validVersions: '0-1',
    flexibleVersions: '1+',
    fields: [
      field(
        'resources',
        t.array(
          t.struct(
            field('resourceType', t.int8),
            field('resourceName', t.string),
            field(
              'configs',
              t.array(
                t.struct(
                  field('name', t.string),
                  field('configOperation', t.int8),
                  field('value', t.string, { nullable: '0+' }),
                ),
              ),
            ),
          ),
        ),
      ),
      field('validateOnly', t.bool),
    ],
  }),
  response: message({
    name: 'IncrementalAlterConfigsResponse',
    validVersions: '0-1',
    flexibleVersions: '1+',
    fields: [
      field('throttleTimeMs', t.int32),
      field(
        'responses',
        t.array(
          t.struct(
            field('errorCode', t.int16),
            field('errorMessage', t.string, { nullable: '0+' }),
            field('resourceType', t.int8),
            field('resourceName', t.string),
          ),
        ),
      ),
    ],
  }),
});
