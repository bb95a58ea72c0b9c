import { api, field, message, t } from '../schema.js';

/**
 * AlterUserScramCredentials (key 51), v0, flexible (KIP-554). An upsertion carries the salt and
 * the salted password (the client runs PBKDF2, so the password never reaches the broker);
 * mechanism 1 is SCRAM-SHA-256, 2 SCRAM-SHA-512. One result per user named.
 */
export const AlterUserScramCredentials = api({
  apiKey: 51,
  name: 'AlterUserScramCredentials',
  request: message({
    name: 'AlterUserScramCredentialsRequest',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      field('deletions', t.array(t.struct(field('name', t.string), field('mechanism', t.int8)))),
      field(
        'upsertions',
        t.array(
          t.struct(
            field('name', t.string),
            field('mechanism', t.int8),
            field('iterations', t.int32),
            field('salt', t.bytes),
            field('saltedPassword', t.bytes),
          ),
        ),
      ),
    ],
  }),
  response: message({
    name: 'AlterUserScramCredentialsResponse',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      field('throttleTimeMs', t.int32),
      field(
        'results',
        t.array(
          t.struct(
            field('user', t.string),
            field('errorCode', t.int16),
            field('errorMessage', t.string, { nullable: '0+' }),
          ),
        ),
      ),
    ],
  }),
});
