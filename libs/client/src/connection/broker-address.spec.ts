import { parseBrokerAddress } from './broker-address.js';

describe('parseBrokerAddress', () => {
  it('reads host:port and bracketed IPv6 addresses', () => {
    expect(parseBrokerAddress('127.0.0.1:9092')).toEqual({ host: '127.0.0.1', port: 9092 });
    expect(parseBrokerAddress(' kafka-1.internal:19092 ')).toEqual({ host: 'kafka-1.internal', port: 19092 });
    expect(parseBrokerAddress('[::1]:9092')).toEqual({ host: '::1', port: 9092 });
  });

  it.each(['localhost', 'localhost:', ':9092', 'localhost:0', 'localhost:70000', 'a:b:9092', 'host:92x'])(
    'refuses %p naming the option and the value',
    (value) => {
      expect(() => parseBrokerAddress(value)).toThrow(
        `brokers: '${value}' is not a broker address; expected 'host:port'`,
      );
    },
  );
});
