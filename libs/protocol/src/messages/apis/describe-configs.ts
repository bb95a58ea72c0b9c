import { api, field, message, t } from '../schema.js';

/**
 * DescribeConfigs (key 32), v0-2. Resource types: 2 topic, 4 broker, 8 broker logger. Null
 * `configurationKeys` lists every key. v0 says only whether a value `isDefault`; v1+ says where it
 * came from (`configSource`) and lists its synonyms, when asked to.
 */
export const DescribeConfigs = api({
  apiKey: 32,
  name: 'DescribeConfigs',
  request: message({
    name: 'DescribeConfigsRequest',
    validVersions: '0-2',
    flexibleVersions: '4+',
    fields: [
      field(
        'resources',
        t.array(
          t.struct(
            field('resourceType', t.int8),
            field('resourceName', t.string),
            field('configurationKeys', t.array(t.string), { nullable: '0+' }),
          ),
        ),
      ),
      field('includeSynonyms', t.bool, { versions: '1+', default: false }),
    ],
  }),
  response: message({
    name: 'DescribeConfigsResponse',
    validVersions: '0-2',
    flexibleVersions: '4+',
    fields: [
      field('throttleTimeMs', t.int32),
      field(
        'results',
        t.array(
          t.struct(
            field('errorCode', t.int16),
            field('errorMessage', t.string, { nullable: '0+' }),
            field('resourceType', t.int8),
            field('resourceName', t.string),
            field(
              'configs',
              t.array(
                t.struct(
                  field('name', t.string),
                  field('value', t.string, { nullable: '0+' }),
                  field('readOnly', t.bool),
                  field('isDefault', t.bool, { versions: '0' }),
                  field('configSource', t.int8, { versions: '1+', default: -1 }),
                  field('isSensitive', t.bool),
                  field(
                    'synonyms',
                    t.array(
                      t.struct(
                        field('name', t.string, { versions: '1+' }),
                        field('value', t.string, { versions: '1+', nullable: '0+' }),
                        field('source', t.int8, { versions: '1+' }),
                      ),
                    ),
                    { versions: '1+' },
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    ],
  }),
});
