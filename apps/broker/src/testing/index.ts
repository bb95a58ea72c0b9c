// `@runnel/broker/testing`: the broker in a child process, for tests that kill or pause it, and
// etcd for brokers in cluster mode.
export { type BrokerExit, BrokerProcess } from './broker-process.js';
export {
  ETCD_INSTALL_HINT,
  EtcdProcess,
  type EtcdSettings,
  etcdArguments,
  findEtcd,
} from './etcd-process.js';
