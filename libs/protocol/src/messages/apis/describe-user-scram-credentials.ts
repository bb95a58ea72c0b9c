import { api, field, message, t } from '../schema.js';

/**
 * DescribeUserScramCredentials (key 50), v0, flexible (KIP-554). `users` null describes every
 * user with a credential; the answer names each mechanism (1 SCRAM-SHA-256, 2 SCRAM-SHA-512) and
 * its iteration count, never the salt or the keys.
 */
export const DescribeUserScramCredentials = api({
  apiKey: 50,
  name: 'DescribeUserScramCredentials',
  request: message({
    name: 'DescribeUserScramCredentialsRequest',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [field('users', t.array(t.struct(field('name', t.string))), { nullable: '0+' })],
  }),
  response: message({
    name: 'DescribeUserScramCredentialsResponse',
    validVersions: '0',
    flexibleVersions: '0+',
    fields: [
      field('throttleTimeMs', t.int32),
      field('errorCode', t.int16),
      field('errorMessage', t.string, { nullable: '0+' }),
      field(
        'results',
        t.array(
          t.struct(
            field('user', t.string),
            field('errorCode', t.int16),
            field('errorMessage', t.string, { nullable: '0+' }),
            field(
              'credentialInfos',
              t.array(t.struct(field('mechanism', t.int8), field('iterations', t.int32))),
            ),
          ),
        ),
      ),
    ],
  }),
});
