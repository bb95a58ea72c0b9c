import { brokerListeners, ListenerSpecError } from './listener-spec.js';

const base = { host: '127.0.0.1', port: 9092 };

describe('brokerListeners', () => {
  it('is the one PLAINTEXT listener of host and port without listeners', () => {
    expect(brokerListeners({ ...base, advertisedHost: 'kafka.example.com' })).toEqual([
      {
        name: 'PLAINTEXT',
        host: '127.0.0.1',
        port: 9092,
        advertisedHost: 'kafka.example.com',
        advertisedPort: -1,
      },
    ]);
  });

  it("parses Kafka's listeners and advertised.listeners, each listener with its own address", () => {
    expect(
      brokerListeners({
        ...base,
        listeners: 'PLAINTEXT://127.0.0.1:9092,SASL_SSL://0.0.0.0:9093,SSL://[::1]:0,SASL_PLAINTEXT://:9095',
        advertisedListeners: 'SASL_SSL://broker1.example.com:19093',
      }),
    ).toEqual([
      { name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, advertisedHost: '127.0.0.1', advertisedPort: -1 },
      {
        name: 'SASL_SSL',
        host: '0.0.0.0',
        port: 9093,
        advertisedHost: 'broker1.example.com',
        advertisedPort: 19093,
      },
      { name: 'SSL', host: '::1', port: 0, advertisedHost: '::1', advertisedPort: -1 },
      {
        name: 'SASL_PLAINTEXT',
        host: '0.0.0.0',
        port: 9095,
        advertisedHost: '127.0.0.1',
        advertisedPort: -1,
      },
    ]);
  });

  it.each([
    ['not NAME://host:port', { listeners: 'PLAINTEXT:9092' }, /is not NAME:\/\/host:port/],
    [
      'an unknown security protocol',
      { listeners: 'SASL_GSSAPI://h:1' },
      /SASL_GSSAPI is not one of the security protocols/,
    ],
    ['a port above 65535', { listeners: 'SSL://h:70000' }, /port 70000 of SSL is above 65535/],
    ['a listener named twice', { listeners: 'SSL://h:1,SSL://h:2' }, /SSL appears twice/],
    [
      'advertising a listener that does not exist',
      { listeners: 'SSL://h:1', advertisedListeners: 'SASL_SSL://h:2' },
      /SASL_SSL is not one of listeners/,
    ],
    ['advertised listeners without listeners', { advertisedListeners: 'SSL://h:1' }, /needs listeners/],
  ])('refuses %s, naming the option and the entry', (_, options, message) => {
    expect(() => brokerListeners({ ...base, ...options })).toThrow(ListenerSpecError);
    expect(() => brokerListeners({ ...base, ...options })).toThrow(message);
  });
});
