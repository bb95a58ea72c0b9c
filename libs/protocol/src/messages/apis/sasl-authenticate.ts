import { api, field, message, t } from '../schema.js';

/** SaslAuthenticate (key 36), v0-2 (v2 flexible). `authBytes` is one SASL token, as the mechanism defines it. */
export const SaslAuthenticate = api({
  apiKey: 36,
  name: 'SaslAuthenticate',
  request: message({
    name: 'SaslAuthenticateRequest',
    validVersions: '0-2',
    flexibleVersions: '2+',
    fields: [field('authBytes', t.bytes)],
  }),
  response: message({
    name: 'SaslAuthenticateResponse',
    validVersions: '0-2',
    flexibleVersions: '2+',
    fields: [
      field('errorCode', t.int16),
      field('errorMessage', t.string, { nullable: '0+' }),
      field('authBytes', t.bytes),
      field('sessionLifetimeMs', t.int64, { versions: '1+', default: 0n }),
    ],
  }),
});
