import type { Socket } from 'node:net';
import { FRAME_SIZE_PREFIX } from '@runnel/protocol';
import { ANONYMOUS_PRINCIPAL, CloseConnection, type ConnectionInfo } from '../handlers/api-handler.js';
import type { SaslSession } from '../security/authentication/sasl-session.js';
import { FrameDecoder, FrameSizeError } from './frame-decoder.js';
import type { QueuedRequestBytes } from './queued-request-bytes.js';

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

/** What bounds a connection: frame size, idleness, requests in flight, the broker's byte budget. */
export interface ConnectionLimits {
  /** `socket.request.max.bytes`: a larger frame closes the connection. */
  maxFrameBytes: number;
  /** `connections.max.idle.ms`: a connection silent this long is closed. */
  maxIdleMs: number;
  /** `queuedMaxRequestsPerConnection`: requests read and not yet written out, at most. */
  maxInFlightRequests: number;
  /** `queued.max.request.bytes`, shared by every connection of the broker. */
  queuedBytes: QueuedRequestBytes;
}

interface Slot {
  done: boolean;
  response: ResponseFrame | CloseConnection;
  /** Bytes of the broker's budget this request holds until it is handled. */
  reserved: number;
}

/**
 * One client connection. Requests are pipelined: each frame is dispatched as soon as it is read,
 * so a long-polling fetch does not hold up the decoding of what follows, but responses leave in
 * request order, as the Kafka protocol requires (clients match them by position as well as by
 * correlation id).
 *
 * Reading pauses (the bytes stay in the socket, nothing is dropped) while any of these holds, and
 * resumes as soon as none does:
 * - `maxInFlightRequests` requests are read and not yet written out (a slow long poll at the head
 *   counts, and so does every response finished behind it);
 * - the broker's queued-bytes budget refused the next frame (see QueuedRequestBytes);
 * - the socket's write buffer is full: a client that does not read its responses cannot make the
 *   broker buffer without bound.
 * Frames already read when the limit is reached wait in `pending`, in order, still holding their
 * share of the budget.
 *
 * Responses are written once per turn: a response that finishes only marks its slot done and
 * schedules one write of the connection (process.nextTick, which runs once the current callback
 * and every promise reaction it set off have run). So the answers of every request finished in
 * one turn (a chunk of pipelined frames, or the produce requests one log write acknowledged)
 * leave in one corked write, one system call, instead of one each.
 */
export class KafkaConnection implements ConnectionInfo {
  readonly remoteAddress: string;
  /** The principal of a trusted TLS client certificate, set by the listener once the handshake is done. */
  certificatePrincipal = ANONYMOUS_PRINCIPAL;
  /** Set by a SASL listener before the first byte is read. */
  sasl: SaslSession | undefined;
  private readonly decoder: FrameDecoder;
  private readonly inFlight: Slot[] = [];
  /**
   * How many slots at the head of `inFlight` are done: they are written before this turn of the
   * event loop ends (see flush), so they do not count against `maxInFlightRequests` (which bounds
   * requests still being handled and the responses stuck behind them).
   */
  private leadingDone = 0;
  /** Whether a write of the done slots at the head is scheduled for the end of this turn. */
  private flushScheduled = false;
  private readonly flush = () => {
    this.flushScheduled = false;
    this.writeDone();
    this.updateReading();
  };
  /** Frames read but not yet dispatched, because `maxInFlightRequests` are in flight. */
  private readonly pending: Buffer[] = [];
  private closed = false;
  /** Set once a request's outcome is a close: nothing after it is read or dispatched. */
  private closing = false;
  private writeBlocked = false;
  private waitingForBytes = false;
  private paused = false;
  /** Set while the connection is muted for a client quota's throttle time (see muteFor). */
  private muteTimer: NodeJS.Timeout | undefined;
  private mutedUntil = 0;
  private readonly unmute = () => {
    this.muteTimer = undefined;
    if (!this.closed) this.dispatchPending();
  };
  private idleWaiters: (() => void)[] = [];
  private readonly retryAdmission = () => {
    this.waitingForBytes = false;
    if (!this.closed) this.decode(EMPTY);
  };

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly dispatch: Dispatch,
    private readonly limits: ConnectionLimits,
    private readonly onClose: (connection: KafkaConnection, reason: string | null) => void,
    readonly listenerName = 'PLAINTEXT',
  ) {
    this.remoteAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    this.decoder = new FrameDecoder(limits.maxFrameBytes, (bytes) => {
      if (limits.queuedBytes.reserveOrWait(bytes, this.retryAdmission)) return true;
      this.waitingForBytes = true;
      return false;
    });
    socket.setNoDelay(true);
    socket.setTimeout(limits.maxIdleMs, () =>
      this.close(`idle for ${limits.maxIdleMs} ms (connections.max.idle.ms)`),
    );
    socket.on('data', (chunk: Buffer) => this.decode(chunk));
    socket.on('drain', () => {
      this.writeBlocked = false;
      this.updateReading();
    });
    socket.on('error', (err) => this.close(`socket error: ${err.message}`));
    socket.on('close', () => this.close(null));
  }

  /** SASL's principal on a SASL listener (as Kafka, even over TLS with a client certificate), else the certificate's. */
  get principal(): string {
    return this.sasl ? this.sasl.principal : this.certificatePrincipal;
  }

  /**
   * Resolves once every request read so far has been answered (or the connection closed). Frames
   * held by a quota's mute do not count: a stopping broker does not wait out a throttle time.
   */
  idle(): Promise<void> {
    if (this.closed || (this.inFlight.length === 0 && this.pendingUnmuted === 0)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Frames read and waiting to be dispatched, unless a mute holds them. */
  private get pendingUnmuted(): number {
    return this.muteTimer === undefined ? this.pending.length : 0;
  }

  /**
   * Stops reading and dispatching requests for `ms` (KIP-219: a client over its quota has its
   * channel muted for its throttle time once its response is on its way). Responses already due
   * are still written; frames already read wait in `pending`. A longer mute extends a shorter one.
   */
  muteFor(ms: number): void {
    const until = performance.now() + ms;
    if (this.closed || ms <= 0 || until <= this.mutedUntil) return;
    clearTimeout(this.muteTimer);
    this.mutedUntil = until;
    this.muteTimer = setTimeout(this.unmute, ms);
    this.updateReading();
  }

  /** Closes the connection; `reason` is logged by the owner when it is not a normal close. */
  close(reason: string | null): void {
    // Also ends a socket still writing its last responses after a CloseConnection (closeAfterWrites).
    this.socket.destroy();
    if (this.closed) return;
    this.markClosed();
    this.onClose(this, reason);
  }

  /** Closes once what has been written reaches the socket, so no earlier response is lost. */
  private closeAfterWrites(reason: string): void {
    this.markClosed();
    this.socket.end(() => this.socket.destroy());
    this.onClose(this, reason);
  }

  /** Gives back every byte of the budget this connection holds; nothing more is dispatched. */
  private markClosed(): void {
    this.closed = true;
    clearTimeout(this.muteTimer);
    const { queuedBytes } = this.limits;
    queuedBytes.cancelWait(this.retryAdmission);
    let held = this.decoder.admittedBytes;
    for (const frame of this.pending) held += FRAME_SIZE_PREFIX + frame.length;
    for (const slot of this.inFlight) held += slot.reserved;
    this.pending.length = 0;
    for (const slot of this.inFlight) slot.reserved = 0;
    if (held > 0) queuedBytes.release(held);
    this.wakeIdleWaiters();
  }

  private decode(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      if (!(err instanceof FrameSizeError)) throw err;
      this.close(err.message);
      return;
    }
    for (const frame of frames) this.pending.push(frame);
    this.dispatchPending();
  }

  /** Dispatches pending frames while fewer than the limit are in flight, writing what is done. */
  private dispatchPending(): void {
    const max = this.limits.maxInFlightRequests;
    while (!this.closed && !this.closing && this.muteTimer === undefined && this.pending.length > 0) {
      if (this.inFlight.length - this.leadingDone >= max) break;
      this.dispatchFrame(this.pending.shift()!);
    }
    this.scheduleFlush();
    this.updateReading();
  }

  /** Schedules the write of the finished responses at the head, once for all of this turn's. */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.closed || !this.inFlight[0]?.done) return;
    this.flushScheduled = true;
    process.nextTick(this.flush);
  }

  private updateReading(): void {
    if (this.closed) return;
    const read =
      !this.closing &&
      this.muteTimer === undefined &&
      !this.writeBlocked &&
      !this.waitingForBytes &&
      this.pending.length === 0 &&
      this.inFlight.length - this.leadingDone < this.limits.maxInFlightRequests;
    if (read && this.paused) {
      this.paused = false;
      this.socket.resume();
    } else if (!read && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private dispatchFrame(frame: Buffer): void {
    const slot: Slot = { done: false, response: null, reserved: FRAME_SIZE_PREFIX + frame.length };
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
          this.dispatchPending();
        },
        (err) => this.fail(err),
      );
    } else {
      this.settle(slot, result);
    }
  }

  /** The request is handled: its bytes go back to the budget, its response waits its turn. */
  private settle(slot: Slot, response: ResponseFrame | CloseConnection): void {
    slot.done = true;
    slot.response = response;
    while (this.inFlight[this.leadingDone]?.done) this.leadingDone++;
    if (slot.reserved > 0) {
      this.limits.queuedBytes.release(slot.reserved);
      slot.reserved = 0;
    }
    if (response instanceof CloseConnection && !this.closing) {
      // Stop reading now; the close itself waits until the earlier responses have been written.
      this.closing = true;
    }
  }

  private fail(err: unknown): void {
    this.close(`request failed: ${(err as Error).stack ?? err}`);
  }

  /** Writes every finished response at the head of the queue, in request order. */
  private writeDone(): void {
    if (this.closed) return;
    let head = this.inFlight[0];
    if (!head?.done) return;
    this.socket.cork();
    while (head?.done) {
      this.inFlight.shift();
      const response = head.response;
      if (response instanceof CloseConnection) {
        const last = response.lastResponse as ResponseFrame | undefined;
        if (Buffer.isBuffer(last)) this.write(last);
        else if (last) for (const part of last) this.write(part);
        this.socket.uncork();
        this.closeAfterWrites(response.reason);
        return;
      }
      if (Buffer.isBuffer(response)) this.write(response);
      else if (response) for (const part of response) this.write(part);
      head = this.inFlight[0];
    }
    this.leadingDone = 0;
    this.socket.uncork();
    if (this.inFlight.length === 0 && this.pendingUnmuted === 0) this.wakeIdleWaiters();
  }

  private write(bytes: Buffer): void {
    if (!this.socket.write(bytes)) this.writeBlocked = true;
  }
}

const EMPTY = Buffer.alloc(0);
