import type { Socket } from 'node:net';
import { CloseConnection, type ConnectionInfo } from '../handlers/api-handler.js';
import { FrameDecoder, FrameSizeError } from './frame-decoder.js';

export type { ConnectionInfo };

/**
 * A response frame as it leaves: one buffer, or a list of buffers written in order under one cork
 * (so record bytes can be passed by reference, never copied into the frame), or null when the
 * request wants no response (acks=0).
 */
export type ResponseFrame = Buffer | readonly Buffer[] | null;

/** Bytes a response frame puts on the wire. */
export function responseFrameBytes(frame: ResponseFrame): number {
  if (frame === null) return 0;
  if (Buffer.isBuffer(frame)) return frame.length;
  let bytes = 0;
  for (const part of frame) bytes += part.length;
  return bytes;
}

/**
 * Answers one request frame: with its response, or with CloseConnection when the connection must
 * close once the responses to earlier requests have left. A dispatch that throws or rejects
 * closes the connection at once, with the error logged.
 */
export type Dispatch = (
  frame: Buffer,
  connection: ConnectionInfo,
) => ResponseFrame | CloseConnection | Promise<ResponseFrame | CloseConnection>;

interface Slot {
  done: boolean;
  response: ResponseFrame | CloseConnection;
}

/**
 * One client connection. Requests are pipelined: each frame is dispatched as soon as it is read,
 * so a long-polling fetch does not hold up the decoding of what follows, but responses leave in
 * request order, as the Kafka protocol requires (clients match them by position as well as by
 * correlation id). While the socket's write buffer is full, reading pauses, so a client that
 * does not read its responses cannot make the broker buffer without bound.
 */
export class KafkaConnection implements ConnectionInfo {
  readonly remoteAddress: string;
  private readonly decoder: FrameDecoder;
  private readonly inFlight: Slot[] = [];
  private closed = false;
  /** Set once a request's outcome is a close: nothing after it is read or dispatched. */
  private closing = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly dispatch: Dispatch,
    limits: { maxFrameBytes: number; maxIdleMs: number },
    private readonly onClose: (connection: KafkaConnection, reason: string | null) => void,
  ) {
    this.remoteAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    this.decoder = new FrameDecoder(limits.maxFrameBytes);
    socket.setNoDelay(true);
    socket.setTimeout(limits.maxIdleMs, () =>
      this.close(`idle for ${limits.maxIdleMs} ms (connections.max.idle.ms)`),
    );
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => socket.resume());
    socket.on('error', (err) => this.close(`socket error: ${err.message}`));
    socket.on('close', () => this.close(null));
  }

  /** Resolves once every request read so far has been answered (or the connection closed). */
  idle(): Promise<void> {
    if (this.closed || this.inFlight.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Closes the connection; `reason` is logged by the owner when it is not a normal close. */
  close(reason: string | null): void {
    // Also ends a socket still writing its last responses after a CloseConnection (closeAfterWrites).
    this.socket.destroy();
    if (this.closed) return;
    this.closed = true;
    this.wakeIdleWaiters();
    this.onClose(this, reason);
  }

  /** Closes once what has been written reaches the socket, so no earlier response is lost. */
  private closeAfterWrites(reason: string): void {
    this.closed = true;
    this.socket.end(() => this.socket.destroy());
    this.wakeIdleWaiters();
    this.onClose(this, reason);
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      if (!(err instanceof FrameSizeError)) throw err;
      this.close(err.message);
      return;
    }
    for (const frame of frames) {
      if (this.closed || this.closing) break;
      this.dispatchFrame(frame);
    }
    this.flush();
  }

  private dispatchFrame(frame: Buffer): void {
    const slot: Slot = { done: false, response: null };
    this.inFlight.push(slot);
    let result: ResponseFrame | CloseConnection | Promise<ResponseFrame | CloseConnection>;
    try {
      result = this.dispatch(frame, this);
    } catch (err) {
      this.fail(err);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (response) => {
          this.settle(slot, response);
          this.flush();
        },
        (err) => this.fail(err),
      );
    } else {
      this.settle(slot, result);
    }
  }

  private settle(slot: Slot, response: ResponseFrame | CloseConnection): void {
    slot.done = true;
    slot.response = response;
    if (response instanceof CloseConnection && !this.closing) {
      // Stop reading now; the close itself waits until the earlier responses have been written.
      this.closing = true;
      this.socket.pause();
    }
  }

  private fail(err: unknown): void {
    this.close(`request failed: ${(err as Error).stack ?? err}`);
  }

  /** Writes every finished response at the head of the queue, in request order. */
  private flush(): void {
    if (this.closed) return;
    let head = this.inFlight[0];
    if (!head?.done) return;
    this.socket.cork();
    let full = false;
    while (head?.done) {
      this.inFlight.shift();
      const response = head.response;
      if (response instanceof CloseConnection) {
        this.socket.uncork();
        this.closeAfterWrites(response.reason);
        return;
      }
      if (Buffer.isBuffer(response)) full = !this.socket.write(response) || full;
      else if (response) for (const part of response) full = !this.socket.write(part) || full;
      head = this.inFlight[0];
    }
    if (full) this.socket.pause();
    this.socket.uncork();
    if (this.inFlight.length === 0) this.wakeIdleWaiters();
  }
}
