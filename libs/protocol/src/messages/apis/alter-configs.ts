import { api, field, message, t } from '../schema.js';

/**
 * AlterConfigs (key 33), v0-2; v2 is the first flexible version. Unlike IncrementalAlterConfigs
 * (44) it names no operation: the configs given REPLACE the resource's whole set of dynamic
 * configs, and any config not named goes back to its default. v1 only changes throttling (the
 * broker answers before throttling, KIP-219). Resource types as in DescribeConfigs: 2 topic,
 * 4 broker, 8 broker logger.
 */
export const AlterConfigs = api({
  apiKey: 33,
  name: 'AlterConfigs',
  request: message({
    name: 'AlterConfigsRequest',
    validVersions: '0-2',
    flexibleVersions: '2+',
    fields: [
      field(
        'resources',
        t.array(
          t.struct(
            field('resourceType', t.int8),
            field('resourceName', t.string),
            field(
              'configs',
              t.array(t.struct(field('name', t.string), field('value', t.string, { nullable: '0+' }))),
            ),
          ),
        ),
      ),
      field('validateOnly', t.bool),
    ],
  }),
  response: message({
    name: 'AlterConfigsResponse',
    validVersions: '0-2',
    flexibleVersions: '2+',
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
