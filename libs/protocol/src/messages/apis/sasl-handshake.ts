import { api, field, message, t } from '../schema.js';

/**
 * SaslHandshake (key 17), v0-1. From v1 the SASL tokens that follow travel in SaslAuthenticate
 * requests; in v0 they went as bare size-prefixed frames. Kafka never made it flexible.
 */
export const SaslHandshake = api({
  apiKey: 17,
  name: 'SaslHandshake',
  request: message({
    name: 'SaslHandshakeRequest',
    validVersions: '0-1',
    flexibleVersions: 'none',
    fields: [field('mechanism', t.string)],
  }),
  response: message({
    name: 'SaslHandshakeResponse',
    validVersions: '0-1',
    flexibleVersions: 'none',
    fields: [field('errorCode', t.int16), field('mechanisms', t.array(t.string))],
  }),
});
