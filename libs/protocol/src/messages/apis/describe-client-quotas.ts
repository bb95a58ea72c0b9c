import { api, field, message, t } from '../schema.js';

/**
 * DescribeClientQuotas (key 48), v0-1 (KIP-546); v1 is the first flexible version. The request
 * filters quota entities by components, each on one entity type (`user`, `client-id`):
 * `matchType` 0 matches the name in `match`, 1 the type's default entity (`match` null), 2 any
 * named entity of that type. With `strict`, an entity with an entity type no component names is
 * left out. The response lists each matching entity (entity name null: the default) with its
 * quota values (`producer_byte_rate`, `consumer_byte_rate`, `request_percentage`); `entries` is
 * null when `errorCode` is not 0.
 */
export const DescribeClientQuotas = api({
  apiKey: 48,
  name: 'DescribeClientQuotas',
  request: message({
    name: 'DescribeClientQuotasRequest',
    validVersions: '0-1',
    flexibleVersions: '1+',
    fields: [
      field(
        'components',
        t.array(
          t.struct(
            field('entityType', t.string),
            field('matchType', t.int8),
            field('match', t.string, { nullable: '0+', default: null }),
          ),
        ),
      ),
      field('strict', t.bool),
    ],
  }),
  response: message({
    name: 'DescribeClientQuotasResponse',
    validVersions: '0-1',
    flexibleVersions: '1+',
    fields: [
      field('throttleTimeMs', t.int32),
      field('errorCode', t.int16),
      field('errorMessage', t.string, { nullable: '0+', default: null }),
      field(
        'entries',
        t.array(
          t.struct(
            field(
              'entity',
              t.array(
                t.struct(
                  field('entityType', t.string),
                  field('entityName', t.string, { nullable: '0+', default: null }),
                ),
              ),
            ),
            field('values', t.array(t.struct(field('key', t.string), field('value', t.float64)))),
          ),
        ),
        { nullable: '0+' },
      ),
    ],
  }),
});
