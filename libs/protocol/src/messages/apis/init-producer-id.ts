import { api, field, message, t } from '../schema.js';

/**
 * InitProducerId (key 22), v0-3; v2+ is flexible. A null `transactionalId` asks for an idempotent
 * producer id; a transactional id also fences older producers with that id by bumping the epoch.
 * From v3 (KIP-360) a producer may send the id and epoch it already has, asking for a bumped epoch
 * of that id instead of a new one; -1 and -1 ask for a new id.
 */
export const InitProducerId = api({
  apiKey: 22,
  name: 'InitProducerId',
  request: message({
    name: 'InitProducerIdRequest',
    validVersions: '0-3',
    flexibleVersions: '2+',
    fields: [
      field('transactionalId', t.string, { nullable: '0+' }),
      field('transactionTimeoutMs', t.int32),
      field('producerId', t.int64, { versions: '3+', default: -1n }),
      field('producerEpoch', t.int16, { versions: '3+', default: -1 }),
    ],
  }),
  response: message({
    name: 'InitProducerIdResponse',
    validVersions: '0-3',
    flexibleVersions: '2+',
    fields: [
      field('throttleTimeMs', t.int32),
      field('errorCode', t.int16),
      field('producerId', t.int64, { default: -1n }),
      field('producerEpoch', t.int16),
    ],
  }),
});
