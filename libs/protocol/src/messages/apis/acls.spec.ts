import { decode, encode } from '../codec.js';
import { expectApiRoundTrip, projectToVersion } from '../test-support/round-trip.js';
import { CreateAcls } from './create-acls.js';
import { DeleteAcls } from './delete-acls.js';
import { DescribeAcls } from './describe-acls.js';
import { encodeWithKafkajs, kafkajsVersions, parseWithKafkajs } from './test-support/kafkajs.js';
import { expectEveryTruncationToThrow } from './test-support/truncation.js';

// TOPIC 2, GROUP 3; PREFIXED 4, LITERAL 3, ANY 1; READ 3, WRITE 4; ALLOW 3, DENY 2.
const creation = {
  resourceType: 2,
  resourceName: 'orders-',
  resourcePatternType: 4,
  principal: 'User:alice',
  host: '*',
  operation: 4,
  permissionType: 3,
};
const filter = {
  resourceTypeFilter: 2,
  resourceNameFilter: null,
  patternTypeFilter: 1,
  principalFilter: 'User:alice',
  hostFilter: null,
  operation: 1,
  permissionType: 1,
};
const acl = { principal: 'User:alice', host: '*', operation: 4, permissionType: 3 };
const describeResponse = {
  throttleTimeMs: 0,
  errorCode: 0,
  errorMessage: null,
  resources: [{ resourceType: 2, resourceName: 'orders-', patternType: 4, acls: [acl] }],
};
const deleteResponse = {
  throttleTimeMs: 0,
  filterResults: [
    {
      errorCode: 0,
      errorMessage: null,
      matchingAcls: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: 2,
          resourceName: 'orders-',
          patternType: 4,
          ...acl,
        },
      ],
    },
  ],
};
const createResponse = {
  throttleTimeMs: 0,
  results: [
    { errorCode: 0, errorMessage: null },
    { errorCode: 42, errorMessage: 'bad' },
  ],
};

/** kafkajs's names for a filter's fields. */
const kafkajsFilter = {
  resourceType: 2,
  resourceName: null,
  resourcePatternType: 1,
  principal: 'User:alice',
  host: null,
  operation: 1,
  permissionType: 1,
};

describe('CreateAcls, DescribeAcls, DeleteAcls', () => {
  it('round-trip at every version', () => {
    expectApiRoundTrip(CreateAcls, { creations: [creation] }, createResponse);
    expectApiRoundTrip(DescribeAcls, filter, describeResponse);
    expectApiRoundTrip(DeleteAcls, { filters: [filter] }, deleteResponse);
  });

  it('read v0 without pattern types as LITERAL (3)', () => {
    const v0 = encode(CreateAcls.request, 0, { creations: [creation] });
    expect(decode(CreateAcls.request, 0, v0).creations[0]?.resourcePatternType).toBe(3);
  });

  it.each(kafkajsVersions('createAcls'))('read the v%i requests kafkajs writes', async (version) => {
    const { resourcePatternType: _, ...v0Creation } = creation;
    const created = await encodeWithKafkajs('createAcls', version, {
      creations: [version >= 1 ? creation : v0Creation],
    });
    expect(decode(CreateAcls.request, version, created)).toEqual(
      projectToVersion(CreateAcls.request.struct, version, { creations: [creation] }),
    );
    const described = await encodeWithKafkajs('describeAcls', version, kafkajsFilter);
    expect(decode(DescribeAcls.request, version, described)).toEqual(
      projectToVersion(DescribeAcls.request.struct, version, filter),
    );
    const deleted = await encodeWithKafkajs('deleteAcls', version, { filters: [kafkajsFilter] });
    expect(decode(DeleteAcls.request, version, deleted)).toEqual(
      projectToVersion(DeleteAcls.request.struct, version, { filters: [filter] }),
    );
  });

  it.each(kafkajsVersions('describeAcls'))('write v%i responses kafkajs parses', async (version) => {
    const described = (await parseWithKafkajs(
      'describeAcls',
      version,
      encode(DescribeAcls.response, version, describeResponse),
    )) as { resources: { resourceName: string; acls: unknown[] }[] };
    expect(described.resources.map((r) => [r.resourceName, r.acls])).toEqual([['orders-', [acl]]]);
    const deleted = (await parseWithKafkajs(
      'deleteAcls',
      version,
      encode(DeleteAcls.response, version, deleteResponse),
    )) as { filterResponses: { matchingAcls: { resourceName: string; principal: string }[] }[] };
    expect(deleted.filterResponses[0]?.matchingAcls.map((a) => [a.resourceName, a.principal])).toEqual([
      ['orders-', 'User:alice'],
    ]);
    const ok = { throttleTimeMs: 0, results: [{ errorCode: 0, errorMessage: null }] };
    const created = (await parseWithKafkajs(
      'createAcls',
      version,
      encode(CreateAcls.response, version, ok),
    )) as {
      creationResponses: { errorCode: number }[];
    };
    expect(created.creationResponses).toEqual([{ errorCode: 0, errorMessage: null }]);
  });

  it('report every truncated request and response as a ProtocolError', () => {
    expectEveryTruncationToThrow(CreateAcls.request, { creations: [creation] });
    expectEveryTruncationToThrow(DescribeAcls.response, describeResponse);
    expectEveryTruncationToThrow(DeleteAcls.response, deleteResponse);
  });
});
