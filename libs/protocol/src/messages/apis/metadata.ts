import { api, field, message, t } from '../schema.js';

/**
 * Metadata (key 3), v0-9; v9 is flexible. In v0 an empty topic list asks for every topic; from v1
 * that is a null list, and an empty one asks for none.
 */
export const Metadata = api({
  apiKey: 3,
  name: 'Metadata',
  request: message({
    name: 'MetadataRequest',
    validVersions: '0-9',
    flexibleVersions: '9+',
    fields: [
      field('topics', t.array(t.struct(field('name', t.string, { nullable: '10+' }))), { nullable: '1+' }),
      field('allowAutoTopicCreation', t.bool, { versions: '4+', default: true }),
      field('includeClusterAuthorizedOperations', t.bool, { versions: '8-10' }),
      field('includeTopicAuthorizedOperations', t.bool, { versions: '8+' }),
    ],
  }),
  response: message({
    name: 'MetadataResponse',
    validVersions: '0-9',
    flexibleVersions: '9+',
    fields: [
      field('throttleTimeMs', t.int32, { versions: '3+' }),
      field(
        'brokers',
        t.array(
          t.struct(
            field('nodeId', t.int32),
            field('host', t.string),
            field('port', t.int32),
            field('rack', t.string, { versions: '1+', nullable: '1+', default: null }),
          ),
        ),
      ),
      field('clusterId', t.string, { versions: '2+', nullable: '2+', default: null }),
      field('controllerId', t.int32, { versions: '1+', default: -1 }),
      field(
        'topics',
        t.array(
          t.struct(
            field('errorCode', t.int16),
            field('name', t.string, { nullable: '12+' }),
            field('isInternal', t.bool, { versions: '1+', default: false }),
            field(
              'partitions',
              t.array(
                t.struct(
                  field('errorCode', t.int16),
                  field('partitionIndex', t.int32),
                  field('leaderId', t.int32),
                  field('leaderEpoch', t.int32, { versions: '7+', default: -1 }),
                  field('replicaNodes', t.array(t.int32)),
                  field('isrNodes', t.array(t.int32)),
                  field('offlineReplicas', t.array(t.int32), { versions: '5+' }),
                ),
              ),
            ),
            field('topicAuthorizedOperations', t.int32, { versions: '8+', default: -2147483648 }),
          ),
        ),
      ),
      field('clusterAuthorizedOperations', t.int32, { versions: '8-10', default: -2147483648 }),
    ],
  }),
});
