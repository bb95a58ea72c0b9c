import { AlterClientQuotas } from './apis/alter-client-quotas.js';
import { AlterConfigs } from './apis/alter-configs.js';
import { AlterUserScramCredentials } from './apis/alter-user-scram-credentials.js';
import { ApiVersions } from './apis/api-versions.js';
import { CreateAcls } from './apis/create-acls.js';
import { CreatePartitions } from './apis/create-partitions.js';
import { CreateTopics } from './apis/create-topics.js';
import { DeleteAcls } from './apis/delete-acls.js';
import { DeleteGroups } from './apis/delete-groups.js';
import { DeleteRecords } from './apis/delete-records.js';
import { DeleteTopics } from './apis/delete-topics.js';
import { DescribeAcls } from './apis/describe-acls.js';
import { DescribeClientQuotas } from './apis/describe-client-quotas.js';
import { DescribeConfigs } from './apis/describe-configs.js';
import { DescribeGroups } from './apis/describe-groups.js';
import { DescribeLogDirs } from './apis/describe-log-dirs.js';
import { DescribeUserScramCredentials } from './apis/describe-user-scram-credentials.js';
import { Fetch } from './apis/fetch.js';
import { FindCoordinator } from './apis/find-coordinator.js';
import { Heartbeat } from './apis/heartbeat.js';
import { IncrementalAlterConfigs } from './apis/incremental-alter-configs.js';
import { InitProducerId } from './apis/init-producer-id.js';
import { JoinGroup } from './apis/join-group.js';
import { LeaveGroup } from './apis/leave-group.js';
import { ListGroups } from './apis/list-groups.js';
import { ListOffsets } from './apis/list-offsets.js';
import { Metadata } from './apis/metadata.js';
import { OffsetCommit } from './apis/offset-commit.js';
import { OffsetFetch } from './apis/offset-fetch.js';
import { OffsetForLeaderEpoch } from './apis/offset-for-leader-epoch.js';
import { Produce } from './apis/produce.js';
import { SaslAuthenticate } from './apis/sasl-authenticate.js';
import { SaslHandshake } from './apis/sasl-handshake.js';
import { SyncGroup } from './apis/sync-group.js';
import type { Api } from './schema.js';

/** Every API this codec knows, in API-key order. */
export const ALL_APIS: readonly Api<unknown, unknown>[] = [
  Produce,
  Fetch,
  ListOffsets,
  Metadata,
  OffsetCommit,
  OffsetFetch,
  FindCoordinator,
  JoinGroup,
  Heartbeat,
  LeaveGroup,
  SyncGroup,
  DescribeGroups,
  ListGroups,
  SaslHandshake,
  ApiVersions,
  CreateTopics,
  DeleteTopics,
  DeleteRecords,
  InitProducerId,
  OffsetForLeaderEpoch,
  DescribeAcls,
  CreateAcls,
  DeleteAcls,
  DescribeConfigs,
  AlterConfigs,
  DescribeLogDirs,
  SaslAuthenticate,
  CreatePartitions,
  DeleteGroups,
  IncrementalAlterConfigs,
  DescribeClientQuotas,
  AlterClientQuotas,
  DescribeUserScramCredentials,
  AlterUserScramCredentials,
] as readonly Api<unknown, unknown>[];

const BY_KEY = new Map(ALL_APIS.map((api) => [api.apiKey, api]));

/** The API with this key, or undefined when the codec does not know it. */
export function apiByKey(apiKey: number): Api<unknown, unknown> | undefined {
  return BY_KEY.get(apiKey);
}

/** API keys by Kafka name. */
export const ApiKey = Object.fromEntries(ALL_APIS.map((api) => [api.name, api.apiKey])) as {
  readonly [K in
    | 'Produce'
    | 'Fetch'
    | 'ListOffsets'
    | 'Metadata'
    | 'OffsetCommit'
    | 'OffsetFetch'
    | 'FindCoordinator'
    | 'JoinGroup'
    | 'Heartbeat'
    | 'LeaveGroup'
    | 'SyncGroup'
    | 'DescribeGroups'
    | 'ListGroups'
    | 'SaslHandshake'
    | 'ApiVersions'
    | 'CreateTopics'
    | 'DeleteTopics'
    | 'DeleteRecords'
    | 'InitProducerId'
    | 'DescribeAcls'
    | 'CreateAcls'
    | 'DeleteAcls'
    | 'OffsetForLeaderEpoch'
    | 'DescribeConfigs'
    | 'AlterConfigs'
    | 'DescribeLogDirs'
    | 'CreatePartitions'
    | 'SaslAuthenticate'
    | 'DeleteGroups'
    | 'IncrementalAlterConfigs'
    | 'DescribeClientQuotas'
    | 'AlterClientQuotas'
    | 'DescribeUserScramCredentials'
    | 'AlterUserScramCredentials']: number;
};
