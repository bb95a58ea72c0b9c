export { type RunningBroker, type StartBrokerOptions, startBroker } from './broker.js';
export { BrokerConfig, type BrokerOptions } from './config/broker-config.js';
export { ConfigError, loadConfig, resolveConfig, UsageError } from './config/load-config.js';
export { addScramUser } from './security/authentication/add-scram-user.js';
export { BrokerStartupError } from './startup/startup-error.js';
