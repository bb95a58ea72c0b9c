import { api, field, message, t } from '../schema.js';

/**
 * InitProducerId (key 22), v0-1. A null `transactionalId` asks for an idempotent producer id; a
 * transactional id also fences older producers with that id by bumping the epoch.
 */
export const InitProducerId = api({
  apiKey: 22,
  name: 'InitProducerId',
  request: message({
    name: 'InitProducerIdRequest',
    validVersions: '0-1',
    flexibleVersions: '2+',
    fields: [field('transactionalId', t.string, { nullable: '0+' }), field('transactionTimeoutMs', t.int32)],
  }),
  response: message({
    name: 'InitProducerIdResponse',
    validVersions: '0-1',
    flexibleVersions: '2+',
    fields: [
      field('throttleTimeMs', t.int32),
      field('errorCode', t.int16),
      field('producerId', t.int64, { default: -1n }),
      field('producerEpoch', t.int16),
    ],
  }),
});
