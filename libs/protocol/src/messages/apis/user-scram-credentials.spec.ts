import { decode, encode } from '../codec.js';
import { expectApiRoundTrip } from '../test-support/round-trip.js';
import { AlterUserScramCredentials } from './alter-user-scram-credentials.js';
import { DescribeUserScramCredentials } from './describe-user-scram-credentials.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const describeRequest = { users: [{ name: 'alice' }] };
const describeResponse = {
  throttleTimeMs: 0,
  errorCode: 0,
  errorMessage: null,
  results: [
    {
      user: 'alice',
      errorCode: 0,
      errorMessage: null,
      credentialInfos: [{ mechanism: 2, iterations: 4096 }],
    },
  ],
};
const alterRequest = {
  deletions: [{ name: 'bob', mechanism: 1 }],
  upsertions: [
    {
      name: 'alice',
      mechanism: 2,
      iterations: 8192,
      salt: Buffer.from('salt'),
      saltedPassword: Buffer.alloc(64, 7),
    },
  ],
};
const alterResponse = {
  throttleTimeMs: 0,
  results: [
    { user: 'bob', errorCode: 91, errorMessage: 'no credential' },
    { user: 'alice', errorCode: 0, errorMessage: null },
  ],
};

describe('DescribeUserScramCredentials and AlterUserScramCredentials', () => {
  it('round-trip', () => {
    expectApiRoundTrip(DescribeUserScramCredentials, describeRequest, describeResponse);
    expectApiRoundTrip(DescribeUserScramCredentials, { users: null }, { ...describeResponse, results: [] });
    expectApiRoundTrip(AlterUserScramCredentials, alterRequest, alterResponse);
  });

  it('encodes a DescribeUserScramCredentials v0 request byte for byte (compact, tagged)', () => {
    expect(encode(DescribeUserScramCredentials.request, 0, describeRequest).toString('hex')).toBe(
      [
        '02', // users: compact array of 1
        '06616c696365', // [0].name: compact string "alice"
        '00', // [0] tagged fields
        '00', // tagged fields
      ].join(''),
    );
    expect(decode(DescribeUserScramCredentials.request, 0, Buffer.from('0000', 'hex'))).toEqual({
      users: null,
    });
  });

  it('rejects every truncation with a ProtocolError', () => {
    expectEveryTruncationToThrow(DescribeUserScramCredentials.response, describeResponse);
    expectEveryTruncationToThrow(AlterUserScramCredentials.request, alterRequest);
  });
});
