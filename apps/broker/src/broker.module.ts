import { type DynamicModule, Logger, Module } from '@nestjs/common';
import type { ClusterMetadataStore } from './cluster/cluster-metadata-store.js';
import { ClusterNode } from './cluster/cluster-node.js';
import { BrokerConfig } from './config/broker-config.js';
import { GROUP_COORDINATION, type GroupCoordination } from './groups/group-coordination.js';
import { startGroupCoordinator } from './groups/start-group-coordinator.js';
import { aclHandlers } from './handlers/acl-handlers.js';
import { ApiVersionsHandler } from './handlers/api-versions.handler.js';
import { authenticationHandlers } from './handlers/authentication-handlers.js';
import { clientQuotaHandlers } from './handlers/client-quota-handlers.js';
import { fetchHandlers } from './handlers/fetch-handlers.js';
import { groupHandlers } from './handlers/group-handlers.js';
import { produceHandlers } from './handlers/produce-handlers.js';
import { topicAdminHandlers } from './handlers/topic-admin-handlers.js';
import { HealthController } from './http/health.controller.js';
import { BrokerMetrics } from './metrics/broker-metrics.js';
import { BrokerEndpoint } from './network/broker-endpoint.js';
import { KafkaServer } from './network/kafka-server.js';
import { RequestRouter } from './network/request-router.js';
import { BrokerAuthentication } from './security/authentication/broker-authentication.js';
import { Authorizer } from './security/authorization/authorizer.js';
import { openAuthorizer } from './security/authorization/authorizer-factory.js';
import { ClientQuotaManager } from './security/quotas/client-quota-manager.js';
import { openClientQuotas } from './security/quotas/open-client-quotas.js';
import { TopicManager } from './topics/topic-manager.js';

/**
 * The broker's composition root. NestJS wires configuration, storage, metrics, the request router
 * and the HTTP endpoints; the per-request path below the router is plain code.
 */
@Module({})
export class BrokerModule {
  /** `clusterStore`: the cluster's metadata, read from etcd by startBroker when `config.cluster` is set. */
  static forRoot(config: BrokerConfig, clusterStore?: ClusterMetadataStore): DynamicModule {
    return {
      module: BrokerModule,
      controllers: [HealthController],
      providers: [
        { provide: BrokerConfig, useValue: config },
        { provide: BrokerEndpoint, useValue: new BrokerEndpoint(config) },
        { provide: TopicManager, useFactory: () => new TopicManager(config) },
        {
          provide: BrokerMetrics,
          inject: [TopicManager, GROUP_COORDINATION],
          useFactory: (topics: TopicManager, coordinator: GroupCoordination) =>
            new BrokerMetrics(topics, {
              groupMetrics: () => coordinator.groupMetrics(),
              logEndOffset: (topic, partition) =>
                topics.isPartitionOnline(topic, partition)
                  ? topics.localLog(topic, partition)?.logEndOffset
                  : undefined,
            }),
        },
        {
          // Single broker: resolved only once `__consumer_offsets` has been replayed, so the
          // listener starts after. Cluster: each partition led here loads as leadership comes.
          provide: GROUP_COORDINATION,
          inject: [TopicManager, ClusterNode],
          useFactory: (topics: TopicManager, cluster: ClusterNode | null) =>
            startGroupCoordinator(config, topics, cluster),
        },
        {
          // With `--cluster`: this broker's side of the cluster, before the listener starts;
          // registration follows once the port is bound (startBroker). Null on a single broker.
          provide: ClusterNode,
          inject: [TopicManager],
          useFactory: (topics: TopicManager) =>
            clusterStore ? ClusterNode.join(config, clusterStore, topics) : null,
        },
        {
          // Client quotas (KIP-13, KIP-55, KIP-124), kept in the data dir or, with `--cluster`, in
          // etcd; /metrics shows their use.
          provide: ClientQuotaManager,
          inject: [BrokerMetrics],
          useFactory: async (metrics: BrokerMetrics) => {
            const logger = new Logger('ClientQuotas');
            const quotas = await openClientQuotas(config, (message) => logger.warn(message));
            metrics.registerClientQuotas(() => quotas.usage());
            return quotas;
          },
        },
        {
          provide: RequestRouter,
          inject: [
            BrokerMetrics,
            ClientQuotaManager,
            TopicManager,
            BrokerEndpoint,
            GROUP_COORDINATION,
            ClusterNode,
            BrokerAuthentication,
            Authorizer,
          ],
          useFactory: (
            metrics: BrokerMetrics,
            quotas: ClientQuotaManager,
            topics: TopicManager,
            endpoint: BrokerEndpoint,
            coordinator: GroupCoordination,
            cluster: ClusterNode | null,
            authentication: BrokerAuthentication,
            authorizer: Authorizer,
          ) => {
            const router = new RequestRouter(metrics, quotas);
            const dependencies = { config, topics, endpoint, authorizer, ...(cluster ? { cluster } : {}) };
            return router.register(
              { handlers: [new ApiVersionsHandler(() => router.supportedApis())] },
              topicAdminHandlers(dependencies),
              fetchHandlers(dependencies),
              produceHandlers(dependencies),
              groupHandlers(dependencies, coordinator),
              clientQuotaHandlers(quotas, authorizer),
              aclHandlers(dependencies),
              authenticationHandlers(authentication, authorizer),
            );
          },
        },
        {
          // --authorizer: the ACLs, read from the data dir or (with --cluster) etcd before the listener starts.
          provide: Authorizer,
          useFactory: () => openAuthorizer(config, (message) => new Logger('Authorizer').warn(message)),
        },
        {
          provide: BrokerAuthentication,
          // The SCRAM credentials, from the data dir or (with --cluster) etcd, before the listener starts.
          useFactory: () =>
            BrokerAuthentication.open(config, (message) => new Logger('Authentication').warn(message)),
        },
        KafkaServer,
      ],
    };
  }
}
