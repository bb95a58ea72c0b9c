import { api, field, message, t } from '../schema.js';

/**
 * AlterClientQuotas (key 49), v0-1 (KIP-546); v1 is the first flexible version. Each entry names
 * one quota entity (its `user` and/or `client-id` components; entity name null: the default) and
 * the operations on its quota values: set `key` to `value`, or remove `key` when `remove`. With
 * `validateOnly` nothing is changed. The response answers every entry with its own error code.
 */
export const AlterClientQuotas = api({
  apiKey: 49,
  name: 'AlterClientQuotas',
  request: message({
    name: 'AlterClientQuotasRequest',
    validVersions: '0-1',
    flexibleVersions: '1+',
    fields: [
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
            field(
              'ops',
              t.array(t.struct(field('key', t.string), field('value', t.float64), field('remove', t.bool))),
            ),
          ),
        ),
      ),
      field('validateOnly', t.bool),
    ],
  }),
  response: message({
    name: 'AlterClientQuotasResponse',
    validVersions: '0-1',
    flexibleVersions: '1+',
    fields: [
      field('throttleTimeMs', t.int32),
      field(
        'entries',
        t.array(
          t.struct(
            field('errorCode', t.int16),
            field('errorMessage', t.string, { nullable: '0+', default: null }),
            field(
              'entity',
              t.array(
                t.struct(
                  field('entityType', t.string),
                  field('entityName', t.string, { nullable: '0+', default: null }),
                ),
              ),
            ),
          ),
        ),
      ),
    ],
  }),
});
