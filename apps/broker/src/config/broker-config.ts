import { DEFAULT_COORDINATOR_CONFIG, DEFAULT_OFFSETS_TOPIC_PARTITIONS } from '@runnel/coordinator';
import { DEFAULT_LOG_CONFIG } from '@runnel/log-store';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';

const MiB = 1024 * 1024;

/**
 * Every broker option, with its default and the Kafka setting it corresponds to. Values come,
 * in increasing precedence, from these defaults, a JSON config file (`--config`), `RUNNEL_*`
 * environment variables (`RUNNEL_DATA_DIR`, `RUNNEL_NUM_PARTITIONS`, ...) and command-line flags
 * (`--data-dir`, `--num-partitions`, ...), and are validated at start: a bad value stops the
 * broker with a message naming the option, the value and what is allowed.
 */
export class BrokerConfig {
  /** Kafka port to listen on; 0 picks a free one (`listeners`). Default 9092. */
  @IsInt()
  @Min(0)
  @Max(65535)
  port = 9092;

  /** Address to bind (`listeners` host). Default 127.0.0.1. */
  @IsString()
  @MinLength(1)
  host = '127.0.0.1';

  /** Host advertised to clients in Metadata (`advertised.listeners`). Default: `host`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  advertisedHost?: string;

  /**
   * The listeners, `NAME://host:port[,...]` with NAME one of PLAINTEXT, SSL, SASL_PLAINTEXT,
   * SASL_SSL (`listeners`); port 0 picks a free one. Unset (the default), one PLAINTEXT listener
   * on `host`:`port`, as before.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  listeners?: string;

  /**
   * Where clients are told to connect, per listener, same syntax (`advertised.listeners`); Metadata
   * answers each client with the address of the listener it came in on. Default: each listener's
   * bound address (`advertisedHost` for a wildcard host).
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  advertisedListeners?: string;

  /** PEM private key of the SSL and SASL_SSL listeners (`ssl.keystore.location`'s key). Required with them. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  sslKeyFile?: string;

  /** PEM certificate chain of the SSL and SASL_SSL listeners (`ssl.keystore.location`'s chain). Required with them. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  sslCertFile?: string;

  /** PEM CA certificates that client certificates must chain to (`ssl.truststore.location`). Default: none. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  sslCaFile?: string;

  /**
   * Whether TLS listeners ask for client certificates (`ssl.client.auth`): `none`; `requested`
   * (a client may present one); `required` (a client without a trusted one is refused). A trusted
   * certificate makes the principal `User:<subject>`. Default none.
   */
  @IsIn(['none', 'requested', 'required'])
  sslClientAuth: 'none' | 'requested' | 'required' = 'none';

  /**
   * SASL mechanisms the SASL listeners accept, comma-separated (`sasl.enabled.mechanisms`):
   * PLAIN, SCRAM-SHA-256, SCRAM-SHA-512. Default SCRAM-SHA-512,SCRAM-SHA-256.
   */
  @Matches(/^(PLAIN|SCRAM-SHA-256|SCRAM-SHA-512)(,(PLAIN|SCRAM-SHA-256|SCRAM-SHA-512))*$/, {
    message: 'must be PLAIN, SCRAM-SHA-256 and/or SCRAM-SHA-512, comma-separated',
  })
  saslEnabledMechanisms = 'SCRAM-SHA-512,SCRAM-SHA-256';

  /**
   * JSON file of PLAIN users, `{"users": {"alice": "alice-secret"}}` (the `user_<name>="<password>"`
   * entries of Kafka's PlainLoginModule JAAS section). Required when PLAIN is enabled.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  saslPlainUsersFile?: string;

  /**
   * Longest a SASL session lives before the client must re-authenticate (`connections.max.reauth.ms`,
   * KIP-368): told to clients in SaslAuthenticate v1+, and a connection whose session expired is
   * closed at its next request that is not a re-authentication. 0: sessions never expire. Default 0.
   */
  @IsInt()
  @Min(0)
  connectionsMaxReauthMs = 0;

  /** HTTP port for /health and /metrics; 0 picks a free one, -1 turns HTTP off. Default 9644. */
  @IsInt()
  @Min(-1)
  @Max(65535)
  httpPort = 9644;

  /** Where the logs live (`log.dirs`). Default ./data. */
  @IsString()
  @MinLength(1)
  dataDir = './data';

  /** This broker's id (`node.id` / `broker.id`). Default 1. */
  @IsInt()
  @Min(0)
  nodeId = 1;

  /** Partitions of an auto-created topic (`num.partitions`). Default 1. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  numPartitions = 1;

  /** Create a topic when a client asks for metadata of one that does not exist (`auto.create.topics.enable`). Default true. */
  @IsBoolean()
  autoCreateTopicsEnable = true;

  /** Whether DeleteTopics may delete topics (`delete.topic.enable`). Default true. */
  @IsBoolean()
  deleteTopicEnable = true;

  /** Largest request frame accepted; a larger one closes the connection (`socket.request.max.bytes`). Default 100 MiB. */
  @IsInt()
  @Min(1024)
  socketRequestMaxBytes = 100 * MiB;

  /**
   * Most record bytes one Fetch response carries, whatever larger `max_bytes` the request asks for
   * (`fetch.max.bytes`). The first batch of the first partition with data is sent even when
   * larger, so consumers progress. Default 55 MiB, as Kafka.
   */
  @IsInt()
  @Min(1024)
  fetchMaxBytes = 55 * MiB;

  /** Close a connection that has neither sent nor received anything for this long (`connections.max.idle.ms`). Default 10 minutes. */
  @IsInt()
  @Min(1000)
  connectionsMaxIdleMs = 10 * 60 * 1000;

  /**
   * Requests one connection may have read and not yet answered; at the limit the broker stops
   * reading that connection until a response leaves (the bytes wait in its socket). A long poll
   * counts until it is answered. Kafka has no per-connection count (it reads one request per
   * connection at a time) but a broker-wide `queued.max.requests` (500), which here would let one
   * client's parked long polls stall every other client. Default 64.
   */
  @IsInt()
  @Min(1)
  @Max(100_000)
  queuedMaxRequestsPerConnection = 64;

  /**
   * Request bytes the broker holds at once, over every connection (`queued.max.request.bytes`): a
   * frame is counted, size prefix included, from when its size is read until it is handled. Once
   * the budget is used up, no connection starts reading another frame until bytes are released;
   * a frame started is read to its end, so the total stays below this plus one
   * `socketRequestMaxBytes`. -1: no budget. At least `socketRequestMaxBytes`, as Kafka requires.
   * The last eighth is kept for requests of up to 64 KiB, so large frames cannot stall every other
   * client. Default 256 MiB (Kafka's is -1).
   */
  @IsInt()
  @Min(-1)
  queuedMaxRequestBytes = 256 * MiB;

  /** Largest record batch a topic accepts by default (`message.max.bytes`). Default 1 MiB + 12 bytes, as Kafka. */
  @IsInt()
  @Min(64)
  messageMaxBytes = DEFAULT_LOG_CONFIG.maxMessageBytes;

  /** Default segment size (`log.segment.bytes`). Default 1 GiB. */
  @IsInt()
  @Min(1024)
  logSegmentBytes = DEFAULT_LOG_CONFIG.segmentBytes;

  /** Default retention by time (`log.retention.ms`); -1 keeps forever. Default 7 days. */
  @IsInt()
  @Min(-1)
  logRetentionMs = DEFAULT_LOG_CONFIG.retentionMs;

  /** Default retention by size per partition (`log.retention.bytes`); -1 is unlimited. Default -1. */
  @IsInt()
  @Min(-1)
  logRetentionBytes = DEFAULT_LOG_CONFIG.retentionBytes;

  /** Default cleanup policy (`log.cleanup.policy`). Default delete. */
  @IsIn(['delete', 'compact', 'compact,delete', 'delete,compact'])
  logCleanupPolicy: string = DEFAULT_LOG_CONFIG.cleanupPolicy;

  /**
   * How long an acks=-1 request may wait for others to share its fsync (group commit window, ms).
   * Default 0: flush at once. The log's own group commit already lets requests that arrive while
   * an fsync runs share the next one, so a window only adds its length to every acks=-1 answer;
   * apps/broker/bench/group-commit.bench.mjs measured 0 against 2 on this machine's disk, in two
   * runs: send() latency p50 0.5-0.6 ms against 2.8-3.3 ms, sixteen one-record producers 1.7-2.8x
   * the records/s, one batching producer 0.99-1.10x. A larger window can still pay on a disk
   * whose fsync is slow and cheap to share.
   */
  @IsInt()
  @Min(0)
  @Max(1000)
  groupCommitWindowMs = 0;

  /**
   * How long the broker keeps an idempotent producer's state (its epoch and last sequences per
   * partition) after its last batch (`producer.id.expiration.ms`); a producer silent for longer is
   * forgotten and its next batch is accepted whatever its sequence. Default 1 day, as Kafka.
   */
  @IsInt()
  @Min(1)
  producerIdExpirationMs = 24 * 60 * 60 * 1000;

  /** How often retention and compaction run (`log.retention.check.interval.ms`). Default 5 minutes. */
  @IsInt()
  @Min(100)
  logRetentionCheckIntervalMs = 5 * 60 * 1000;

  /**
   * Partitions of `__consumer_offsets`, created with this count when a group first writes to it
   * (`offsets.topic.num.partitions`); a group's offsets live in the partition its id hashes to.
   * Changing it later does not resize an existing topic. Default 50, as Kafka.
   */
  @IsInt()
  @Min(1)
  @Max(1000)
  offsetsTopicNumPartitions = DEFAULT_OFFSETS_TOPIC_PARTITIONS;

  /**
   * Replicas of each partition of a cluster's `__consumer_offsets` (`offsets.topic.replication.factor`),
   * created on the first FindCoordinator that needs it. As Kafka, it is not lowered to the live
   * brokers: while fewer are live the topic is not created and FindCoordinator answers
   * COORDINATOR_NOT_AVAILABLE. Changing it later does not change an existing topic. A single
   * broker ignores it. Default 3, as Kafka.
   */
  @IsInt()
  @Min(1)
  @Max(100)
  offsetsTopicReplicationFactor = 3;

  /**
   * How long a group write (OffsetCommit, a rebalance's group metadata) in a cluster waits for
   * every in-sync replica of its `__consumer_offsets` partition before it fails
   * (`offsets.commit.timeout.ms`). Default 5000, as Kafka.
   */
  @IsInt()
  @Min(1)
  offsetsCommitTimeoutMs = 5000;

  /**
   * How long the first rebalance of an empty group waits for more members to join before forming
   * its first generation (`group.initial.rebalance.delay.ms`). 0 forms it at once. Default 3000.
   */
  @IsInt()
  @Min(0)
  groupInitialRebalanceDelayMs = DEFAULT_COORDINATOR_CONFIG.groupInitialRebalanceDelayMs;

  /** Smallest session timeout a consumer may ask for (`group.min.session.timeout.ms`). Default 6000. */
  @IsInt()
  @Min(0)
  groupMinSessionTimeoutMs = DEFAULT_COORDINATOR_CONFIG.groupMinSessionTimeoutMs;

  /** Largest session timeout a consumer may ask for (`group.max.session.timeout.ms`). Default 1800000 (30 minutes). */
  @IsInt()
  @Min(0)
  groupMaxSessionTimeoutMs = DEFAULT_COORDINATOR_CONFIG.groupMaxSessionTimeoutMs;

  /**
   * How long a group's committed offsets are kept once it has no members, counted from when it
   * became empty (`offsets.retention.minutes`). Default 10080 (7 days).
   */
  @IsInt()
  @Min(1)
  offsetsRetentionMinutes = DEFAULT_COORDINATOR_CONFIG.offsetsRetentionMs / 60_000;

  /**
   * The etcd cluster that keeps a cluster's metadata, `etcd://host:port[,host:port...]`. Unset
   * (the default), the broker is a single node with its metadata in `<data-dir>/meta.json`.
   */
  @IsOptional()
  @Matches(/^etcd:\/\/[^\s,]+(,(etcd:\/\/)?[^\s,]+)*$/, {
    message: 'must be etcd://host:port[,host:port...]',
  })
  cluster?: string;

  /** The cluster this broker joins: its keys live under `/runnel/<clusterId>/` in etcd. Default runnel. */
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'must be 1 to 64 letters, digits, ".", "_" or "-"' })
  clusterId = 'runnel';

  /**
   * The listener other brokers of a cluster connect to for replication (`inter.broker.listener.name`),
   * and whose address is the registration's host and port. Default: the first of `listeners`.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  interBrokerListenerName?: string;

  /**
   * The PLAIN user this broker authenticates as when the inter-broker listener is SASL_PLAINTEXT
   * or SASL_SSL (the `username` of `listener.name.<l>.plain.sasl.jaas.config`); the other brokers
   * must have PLAIN enabled and the user in their `saslPlainUsersFile`. Required by a SASL
   * inter-broker listener.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  interBrokerSaslUsername?: string;

  /** The password of `interBrokerSaslUsername`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  interBrokerSaslPassword?: string;

  /**
   * How long etcd keeps a broker's registration (and its controllership) after its last
   * heartbeat: a broker that dies leaves the cluster this long after (`broker.session.timeout.ms`;
   * etcd counts leases in whole seconds, so it is rounded up). Default 9000, as Kafka.
   */
  @IsInt()
  @Min(2000)
  @Max(600_000)
  brokerSessionTimeoutMs = 9000;

  /** Replicas of a topic created without a replication factor, auto-created ones included (`default.replication.factor`). Default 1. */
  @IsInt()
  @Min(1)
  @Max(100)
  defaultReplicationFactor = 1;

  /**
   * Fewest in-sync replicas an acks=-1 produce needs, topic default (`min.insync.replicas`).
   * Default 1. Reported by DescribeConfigs; acks=-1 waits for it once followers replicate.
   */
  @IsInt()
  @Min(1)
  minInsyncReplicas = 1;

  /**
   * How long an in-sync follower may go without catching up to its leader's log end before the
   * leader drops it from the ISR (`replica.lag.time.max.ms`). Default 30000, as Kafka.
   */
  @IsInt()
  @Min(10)
  replicaLagTimeMaxMs = 30_000;

  /**
   * How often a cluster broker writes the high watermark of every partition it hosts to
   * `<data-dir>/replication-offset-checkpoint` (`replica.high.watermark.checkpoint.interval.ms`);
   * also written at clean shutdown. After a restart each log's high watermark starts there, not
   * at its log end. Default 5000, as Kafka.
   */
  @IsInt()
  @Min(10)
  replicaHighWatermarkCheckpointIntervalMs = 5000;

  /**
   * Whether the controller moves leadership back to preferred replicas (the first of each
   * partition's assignment) once they are in sync again (`auto.leader.rebalance.enable`). Default true.
   */
  @IsBoolean()
  autoLeaderRebalanceEnable = true;

  /** How often the controller checks for partitions led away from their preferred replica (`leader.imbalance.check.interval.seconds`). Default 300. */
  @IsInt()
  @Min(1)
  leaderImbalanceCheckIntervalSeconds = 300;

  /**
   * A broker's share of the partitions it is preferred leader of, led elsewhere, above which the
   * check moves them back (`leader.imbalance.per.broker.percentage`). Default 10.
   */
  @IsInt()
  @Min(0)
  @Max(100)
  leaderImbalancePerBrokerPercentage = 10;

  /**
   * Who decides whether a request may be served (`authorizer.class.name`): `none` serves every
   * request, as a broker without security; `acl` checks each against the ACLs (CreateAcls,
   * `runnel acls`), kept in `<data-dir>/acls.json`. Default none.
   */
  @IsIn(['none', 'acl'])
  authorizer: 'none' | 'acl' = 'none';

  /** Principals allowed everything whatever the ACLs say, `User:a;User:b` (`super.users`). Default: none. */
  @IsOptional()
  @Matches(/^[^:;]+:[^;]+(;[^:;]+:[^;]+)*$/, {
    message: 'must be Type:name principals separated by ";" (User:a;User:b)',
  })
  superUsers?: string;

  /**
   * With `--authorizer acl`, allow a request on a resource no ACL mentions
   * (`allow.everyone.if.no.acl.found`). Default false, as Kafka.
   */
  @IsBoolean()
  allowEveryoneIfNoAclFound = false;

  /** Samples a client quota's rate is measured over (`quota.window.num`). Default 11, as Kafka. */
  @IsInt()
  @Min(1)
  @Max(1000)
  quotaWindowNum = 11;

  /** Length of one of those samples, in seconds (`quota.window.size.seconds`). Default 1, as Kafka. */
  @IsInt()
  @Min(1)
  @Max(3600)
  quotaWindowSizeSeconds = 1;
}

/** The options `startBroker` and the command line accept: any subset of BrokerConfig. */
export type BrokerOptions = Partial<{ [K in keyof BrokerConfig]: BrokerConfig[K] }>;
