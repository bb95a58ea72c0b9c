import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import {
  type Api,
  decodeResponseFrame,
  encodeRequestFrame,
  FRAME_SIZE_PREFIX,
  type InputOf,
} from '@runnel/protocol';

/**
 * A bare Kafka connection for tests that need exact control of the bytes sent (versions, flags,
 * malformed frames) and no client logic in between.
 */
export class RawClient {
  private pending = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private waiter: (() => void) | undefined;
  private correlationId = 0;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.pending = Buffer.concat([this.pending, chunk]);
      while (this.pending.length >= FRAME_SIZE_PREFIX) {
        const size = this.pending.readInt32BE(0);
        if (this.pending.length < FRAME_SIZE_PREFIX + size) break;
        this.frames.push(this.pending.subarray(FRAME_SIZE_PREFIX, FRAME_SIZE_PREFIX + size));
        this.pending = this.pending.subarray(FRAME_SIZE_PREFIX + size);
      }
      this.waiter?.();
    });
    socket.on('close', () => this.waiter?.());
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  /** Sends raw bytes as they are. */
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next response frame (without its size), or undefined if the broker closed the connection. */
  async nextFrame(): Promise<Buffer | undefined> {
    while (this.frames.length === 0) {
      if (this.socket.destroyed || this.socket.readableEnded) return undefined;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
      this.waiter = undefined;
    }
    return this.frames.shift();
  }

  /** Sends one request and decodes its response. */
  async request<Req, Res>(api: Api<Req, Res>, version: number, body: InputOf<Req>): Promise<Res> {
    const correlationId = ++this.correlationId;
    this.socket.write(encodeRequestFrame(api, version, { correlationId, clientId: 'raw-client' }, body));
    const frame = await this.nextFrame();
    if (!frame) throw new Error(`connection closed before the ${api.name} v${version} response`);
    const response = decodeResponseFrame(api, version, frame);
    if (response.correlationId !== correlationId) {
      throw new Error(
        `correlation id ${response.correlationId} answers a request other than ${correlationId}`,
      );
    }
    return response.body;
  }

  close(): void {
    this.socket.destroy();
  }
}
