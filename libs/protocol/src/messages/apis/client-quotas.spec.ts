import { decode, encode } from '../codec.js';
import type { RequestOf, ResponseOf } from '../schema.js';
import { expectApiRoundTrip } from '../test-support/round-trip.js';
import { AlterClientQuotas } from './alter-client-quotas.js';
import { DescribeClientQuotas } from './describe-client-quotas.js';
import { encodeWithPlatformatic, parseWithPlatformatic } from './test-support/platformatic.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

const describeRequest: RequestOf<typeof DescribeClientQuotas> = {
  components: [
    { entityType: 'user', matchType: 0, match: 'alice' },
    { entityType: 'client-id', matchType: 1, match: null },
  ],
  strict: true,
};

const describeResponse: ResponseOf<typeof DescribeClientQuotas> = {
  throttleTimeMs: 0,
  errorCode: 0,
  errorMessage: null,
  entries: [
    {
      entity: [
        { entityType: 'user', entityName: 'alice' },
        { entityType: 'client-id', entityName: null },
      ],
      values: [
        { key: 'producer_byte_rate', value: 1048576 },
        { key: 'request_percentage', value: 12.5 },
      ],
    },
  ],
};

const alterRequest: RequestOf<typeof AlterClientQuotas> = {
  entries: [
    {
      entity: [{ entityType: 'user', entityName: null }],
      ops: [
        { key: 'consumer_byte_rate', value: 2048, remove: false },
        { key: 'producer_byte_rate', value: 0, remove: true },
      ],
    },
  ],
  validateOnly: false,
};

const alterResponse: ResponseOf<typeof AlterClientQuotas> = {
  throttleTimeMs: 7,
  entries: [
    { errorCode: 0, errorMessage: null, entity: [{ entityType: 'user', entityName: null }] },
    { errorCode: 42, errorMessage: 'bad key', entity: [{ entityType: 'client-id', entityName: 'c' }] },
  ],
};

describe('DescribeClientQuotas and AlterClientQuotas', () => {
  it('round-trip at every version', () => {
    expectApiRoundTrip(DescribeClientQuotas, describeRequest, describeResponse);
    expectApiRoundTrip(AlterClientQuotas, alterRequest, alterResponse);
  });

  it('carry null entries when describing failed', () => {
    for (const version of [0, 1]) {
      const failed = { throttleTimeMs: 0, errorCode: 42, errorMessage: 'no', entries: null };
      const bytes = encode(DescribeClientQuotas.response, version, failed);
      expect(decode(DescribeClientQuotas.response, version, bytes)).toEqual(failed);
    }
  });

  it('read what @platformatic/kafka writes and write what it reads (v1)', () => {
    const describeBytes = encodeWithPlatformatic('describeClientQuotasV0', describeRequest.components, true);
    expect(decode(DescribeClientQuotas.request, 1, describeBytes)).toEqual(describeRequest);
    const alterBytes = encodeWithPlatformatic(
      'alterClientQuotasV1',
      alterRequest.entries.map((e) => ({ entities: e.entity, ops: e.ops })),
      false,
    );
    expect(decode(AlterClientQuotas.request, 1, alterBytes)).toEqual(alterRequest);
    expect(
      parseWithPlatformatic(
        'describeClientQuotasV0',
        48,
        1,
        encode(DescribeClientQuotas.response, 1, describeResponse),
      ),
    ).toMatchObject({ entries: describeResponse.entries });
    expect(
      parseWithPlatformatic(
        'alterClientQuotasV1',
        49,
        1,
        encode(AlterClientQuotas.response, 1, alterResponse),
      ),
    ).toMatchObject({ throttleTimeMs: 7, entries: alterResponse.entries });
  });

  it('refuse every truncation', () => {
    expectEveryTruncationToThrow(DescribeClientQuotas.request, describeRequest);
    expectEveryTruncationToThrow(AlterClientQuotas.request, alterRequest);
  });
});
