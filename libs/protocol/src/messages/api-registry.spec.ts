import { ALL_APIS, ApiKey, apiByKey } from './api-registry.js';

describe('API registry', () => {
  it('holds each API key once, in key order', () => {
    const keys = ALL_APIS.map((api) => api.apiKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
  });

  it('uses Kafka key numbers', () => {
    expect(ApiKey).toMatchObject({ Produce: 0, Fetch: 1, Metadata: 3, ApiVersions: 18, DeleteGroups: 42 });
    expect(apiByKey(18)?.name).toBe('ApiVersions');
    expect(apiByKey(1000)).toBeUndefined();
  });

  it('covers the versions the broker and clients need', () => {
    const max = Object.fromEntries(ALL_APIS.map((api) => [api.name, api.request.validVersions.max]));
    expect(max).toEqual({
      Produce: 8,
      Fetch: 12,
      ListOffsets: 5,
      Metadata: 9,
      OffsetCommit: 8,
      OffsetFetch: 8,
      FindCoordinator: 4,
      JoinGroup: 6,
      Heartbeat: 4,
      LeaveGroup: 4,
      SyncGroup: 4,
      DescribeGroups: 4,
      ListGroups: 2,
      SaslHandshake: 1,
      ApiVersions: 3,
      CreateTopics: 7,
      DeleteTopics: 3,
      DeleteRecords: 1,
      InitProducerId: 3,
      DescribeAcls: 3,
      CreateAcls: 3,
      DeleteAcls: 3,
      OffsetForLeaderEpoch: 4,
      DescribeConfigs: 2,
      AlterConfigs: 2,
      DescribeLogDirs: 4,
      SaslAuthenticate: 2,
      CreatePartitions: 1,
      DeleteGroups: 1,
      IncrementalAlterConfigs: 1,
      DescribeClientQuotas: 1,
      AlterClientQuotas: 1,
      DescribeUserScramCredentials: 0,
      AlterUserScramCredentials: 0,
    });
  });
});
