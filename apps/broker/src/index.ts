export { type RunningBroker, type StartBrokerOptions, startBroker } from './broker.js';
export { BrokerConfig, type BrokerOptions } from './config/broker-config.js';
export { ConfigError, loadConfig, resolveConfig } from './config/load-config.js';
