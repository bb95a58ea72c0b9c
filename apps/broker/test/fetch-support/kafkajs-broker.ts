import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4's own protocol stack, used the way its consumer uses it but without a group:
 * its consumer always joins a consumer group, so "assign and seek" is done here by calling its
 * internal Broker (`kafkajs/src/broker`) directly, over a ConnectionPool built the way
 * `kafkajs/src/cluster` builds one. Requests are encoded, and responses decoded (records
 * included), by kafkajs's code at the highest versions it and the broker share (ApiVersions):
 * Fetch v11, ListOffsets v3. Errors come back as kafkajs raises them (KafkaJSProtocolError with
 * `type`, KafkaJSOffsetOutOfRange).
 */

const require = createRequire(import.meta.url);
const Broker = require('kafkajs/src/broker/index.js') as new (options: object) => KafkajsBroker;
const ConnectionPool = require('kafkajs/src/network/connectionPool.js') as new (options: object) => object;
const socketFactory = require('kafkajs/src/network/socketFactory.js') as () => unknown;
const { createLogger, LEVELS } = require('kafkajs/src/loggers/index.js') as {
  createLogger(options: { level: number; logCreator: () => () => void }): object;
  LEVELS: { NOTHING: number };
};

/** A record as kafkajs decodes it. */
export interface KafkajsMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[] | undefined>;
}

export interface KafkajsFetchPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  lastStableOffset: string;
  /** The log start offset (kafkajs's Fetch v11 decoder calls it so). */
  lastStartOffset: string;
  preferredReadReplica: number;
  messages: KafkajsMessage[];
}

export interface KafkajsFetchResponse {
  errorCode: number;
  sessionId: number;
  responses: { topicName: string; partitions: KafkajsFetchPartition[] }[];
}

export interface KafkajsFetchRequest {
  maxWaitTime: number;
  minBytes?: number;
  maxBytes?: number;
  /** kafkajs's default is READ_COMMITTED (1). */
  isolationLevel?: number;
  topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
}

export interface KafkajsListOffsetsResponse {
  responses: {
    topic: string;
    partitions: { partition: number; errorCode: number; offset: string; timestamp: string }[];
  }[];
}

/** The part of kafkajs's Broker these tests call. */
export interface KafkajsBroker {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  fetch(request: KafkajsFetchRequest): Promise<KafkajsFetchResponse>;
  listOffsets(request: {
    replicaId?: number;
    isolationLevel?: number;
    topics: { topic: string; partitions: { partition: number; timestamp: string }[] }[];
  }): Promise<KafkajsListOffsetsResponse>;
  versions: Record<number, { minVersion: number; maxVersion: number }>;
}

/** Connects kafkajs's Broker to 127.0.0.1:`port` (ApiVersions included) without joining any group. */
export async function connectKafkajsBroker(port: number): Promise<KafkajsBroker> {
  const logger = createLogger({ level: LEVELS.NOTHING, logCreator: () => () => {} });
  const connectionPool = new ConnectionPool({
    host: '127.0.0.1',
    port,
    logger,
    socketFactory: socketFactory(),
    clientId: 'runnel-fetch-test',
    connectionTimeout: 1000,
    requestTimeout: 30_000,
    enforceRequestTimeout: true,
  });
  const broker = new Broker({ connectionPool, logger });
  await broker.connect();
  return broker;
}
