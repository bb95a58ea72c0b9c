import { startEmbeddedContractCluster } from './support/client-contract.js';
import { describeConsumerContract } from './support/consumer-contract.js';
import { describeGroupContract } from './support/group-contract.js';
import { describeProducerContract } from './support/producer-contract.js';

/**
 * The contract suites that mock-cluster.compat.spec.ts runs against librdkafka's mock, here against
 * our embedded broker with no deviation: the same test bodies pass on both. It needs nothing but
 * Node, so it runs in `npm test`.
 */
describeProducerContract('embedded broker', startEmbeddedContractCluster);
describeConsumerContract('embedded broker', startEmbeddedContractCluster);
describeGroupContract('embedded broker', startEmbeddedContractCluster);
