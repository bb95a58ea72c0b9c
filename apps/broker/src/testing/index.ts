// `@runnel/broker/testing`: the broker in a child process, for tests that kill or pause it.
export { type BrokerExit, BrokerProcess } from './broker-process.js';
