import { mockClusterBootstrap, mockLogAppend } from './mock-cluster-log.js';

describe('mockClusterBootstrap', () => {
  it("reads the port from librdkafka 2.0's announcement line", () => {
    const line =
      '%7|1796158217.377|MOCK|rdkafka#consumer-1| [thrd:app]: Mock cluster mockCluster15797ad322e0 bootstrap.servers=127.0.0.1:45625';
    expect(mockClusterBootstrap(line)).toEqual({ host: '127.0.0.1', port: 45625 });
  });

  it('takes the first broker of a cluster of several', () => {
    const line =
      '%7|1.2|MOCK|rdkafka#consumer-1| [thrd:app]: Mock cluster mockCluster1 bootstrap.servers=127.0.0.1:40001,127.0.0.1:40002,127.0.0.1:40003';
    expect(mockClusterBootstrap(line)).toEqual({ host: '127.0.0.1', port: 40001 });
  });

  it('ignores the other debug lines, including the one that repeats the address', () => {
    const others = [
      '%5|1796158217.377|MOCK|rdkafka#consumer-1| [thrd:app]: Mock cluster enabled: original bootstrap.servers and security.protocol ignored and replaced with 127.0.0.1:45625',
      '%7|1796158217.377|MOCK|rdkafka#consumer-1| [thrd:mock]: Broker 1: New connection from 127.0.0.1:58974',
      '%7|1796158217.377|INIT|rdkafka#consumer-1| [thrd:app]: librdkafka v2.0.2 (0x20002ff) rdkafka#consumer-1 initialized',
      '',
    ];
    for (const line of others) expect(mockClusterBootstrap(line)).toBeUndefined();
  });

  it('refuses a port outside 1..65535', () => {
    expect(mockClusterBootstrap('Mock cluster m bootstrap.servers=127.0.0.1:0')).toBeUndefined();
    expect(mockClusterBootstrap('Mock cluster m bootstrap.servers=127.0.0.1:70000')).toBeUndefined();
  });
});

describe('mockLogAppend', () => {
  it("reads an append's record count and the partition's log range after it", () => {
    const line =
      '%7|1796159513.349|MOCK|rdkafka#consumer-1| [thrd:mock]: Broker 1: Log append peers [1] 735 messages, 80847 bytes at offset 0 (log now 0..735, original start 0)';
    expect(mockLogAppend(line)).toEqual({
      topic: 'peers',
      partition: 1,
      records: 735,
      logStartOffset: 0,
      logEndOffset: 735,
    });
  });

  it('reads the start a trimmed log moved to', () => {
    const line =
      '%7|1.2|MOCK|rdkafka#consumer-1| [thrd:mock]: Broker 1: Log append my.topic-2 [3] 700 messages, 77000 bytes at offset 250000 (log now 202300..250700, original start 201600)';
    expect(mockLogAppend(line)).toMatchObject({
      topic: 'my.topic-2',
      partition: 3,
      logStartOffset: 202300,
      logEndOffset: 250700,
    });
  });

  it('ignores the other lines, the announcement among them', () => {
    expect(
      mockLogAppend(
        '%7|1.2|MOCK|rdkafka#consumer-1| [thrd:mock]: Broker 1: Received ProduceRequestV7 from 127.0.0.1:1',
      ),
    ).toBeUndefined();
    expect(mockLogAppend('Mock cluster m bootstrap.servers=127.0.0.1:40001')).toBeUndefined();
  });
});
