import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import {
  decodeRequestHeaderPrefix,
  decodeResponseFrame,
  ErrorCode,
  encodeResponseFrame,
  Produce,
} from '@runnel/protocol';
import { FrameReader } from '../../src/connection/frame-reader.js';

/**
 * What the proxy does with a Produce request: `pass` forwards it and its answer; `lose-answer`
 * forwards it, keeps the broker's answer from the client, and once the broker has answered every
 * request forwarded on that connection closes it (the broker wrote the batches, the client never
 * hears so); `drop` closes the client's connection without forwarding it (nothing is written);
 * `not-leader` forwards it and answers NOT_LEADER_OR_FOLLOWER for every partition instead of the
 * broker's answer (the batches are written: a leader that appended them and lost its leadership
 * before the replicas had them answers so, while the new leader may hold them).
 */
export type ProduceFault = 'pass' | 'lose-answer' | 'drop' | 'not-leader';

/** A Kafka frame as it travels: int32 size, then the frame. */
function framed(frame: Buffer): Buffer {
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(frame.length);
  return Buffer.concat([size, frame]);
}

/** The broker's Produce answer `frame` with every partition's answer NOT_LEADER_OR_FOLLOWER instead. */
function notLeaderAnswer(version: number, frame: Buffer): Buffer {
  const { correlationId, body } = decodeResponseFrame(Produce, version, frame);
  return encodeResponseFrame(Produce, version, correlationId, {
    ...body,
    responses: body.responses.map((topic) => ({
      ...topic,
      partitionResponses: topic.partitionResponses.map((partition) => ({
        ...partition,
        errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER,
        baseOffset: -1n,
        errorMessage: 'leadership moved after the append (written by the proxy)',
      })),
    })),
  });
}

/**
 * A TCP proxy on 127.0.0.1 between clients and one real broker that loses Produce answers or
 * requests on demand, for "written but not acknowledged" and "sent but never written" made
 * deterministic. The broker must advertise the proxy's address (`advertisedListeners`), so the
 * client's every connection goes through it. Every other request and answer passes untouched.
 */
export class ProduceProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private upstreamPort = 0;
  /** Where clients connect. */
  port = 0;
  fault: ProduceFault = 'pass';
  /** Produce requests the broker received through the proxy, and those dropped. */
  forwarded = 0;
  dropped = 0;
  private waiters: (() => void)[] = [];

  constructor() {
    this.server = createServer((client) => this.accept(client));
  }

  async listen(): Promise<number> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    this.port = address.port;
    return this.port;
  }

  /** Where the broker listens; set before the first client connects. */
  forwardTo(port: number): void {
    this.upstreamPort = port;
  }

  /** Resolves at the next Produce request the proxy forwards or drops. */
  nextProduce(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const upstream = connect(this.upstreamPort, '127.0.0.1');
    this.sockets.add(client);
    this.sockets.add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut);
    upstream.on('error', cut);
    client.on('close', () => {
      this.sockets.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    // Correlation ids of forwarded requests whose answers the client must not get.
    const lost = new Set<number>();
    // Versions of forwarded Produce requests whose answers are replaced by NOT_LEADER_OR_FOLLOWER.
    const notLeader = new Map<number, number>();
    let unanswered = 0;
    let lostSome = false;
    const requests = new FrameReader();
    client.on('data', (chunk: Buffer) => {
      requests.push(chunk);
      for (let frame = requests.next(); frame !== undefined; frame = requests.next()) {
        const header = decodeRequestHeaderPrefix(frame);
        if (header.requestApiKey === Produce.apiKey) {
          const fault = this.fault;
          this.notify();
          if (fault === 'drop') {
            this.dropped++;
            cut();
            return;
          }
          this.forwarded++;
          if (fault === 'lose-answer') lost.add(header.correlationId);
          if (fault === 'not-leader') notLeader.set(header.correlationId, header.requestApiVersion);
        }
        unanswered++;
        upstream.write(framed(frame));
      }
    });
    const answers = new FrameReader();
    upstream.on('data', (chunk: Buffer) => {
      answers.push(chunk);
      for (let frame = answers.next(); frame !== undefined; frame = answers.next()) {
        unanswered--;
        const correlationId = frame.readInt32BE(0);
        const version = notLeader.get(correlationId);
        if (lost.delete(correlationId)) lostSome = true;
        else if (version !== undefined) {
          notLeader.delete(correlationId);
          client.write(notLeaderAnswer(version, frame));
        } else client.write(framed(frame));
        if (lostSome && unanswered === 0) {
          // The broker has answered all it was sent here: close before the client sends more.
          cut();
          return;
        }
      }
    });
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
