// Runs floor-loop.mjs in a child process and measures its CPU per MB of the bytes it moved, the
// floor each broker CPU figure is set beside (see floor-loop.mjs for what each direction does).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { cpuMsOf } from './bench-broker.mjs';

const FLOOR_LOOP = new URL('./floor-loop.mjs', import.meta.url).pathname;
/** The producer side of socket-to-file writes this much at a time, as the floor does. */
const WRITE_BYTES = 16 * 1024;
const MB = 1e6;

/** Starts floor-loop.mjs in `mode`; resolves once it listens, with its port and its next line. */
async function startFloor(mode, file) {
  const child = spawn(process.execPath, [FLOOR_LOOP, mode, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`floor-loop ${mode} exited early`);
    return value;
  };
  const port = Number(/^port (\d+)$/.exec(await next())?.[1]);
  return { child, port, next };
}

/** Resolves once a child has exited (at once if it already has). */
const exited = (child) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, 'exit');

/** The floor process's figures for one direction: { seconds, cpuMs, cpuMsPerMb, mbPerSecond }. */
function figuresOf(bytes, seconds, cpuMs) {
  return { seconds, cpuMs, cpuMsPerMb: cpuMs / (bytes / MB), mbPerSecond: bytes / MB / seconds };
}

/** Sends `bytes` over TCP in WRITE_BYTES writes into a floor process that appends them to `file`. */
export async function socketToFileFloor(file, bytes) {
  const floor = await startFloor('socket-to-file', file);
  try {
    const chunk = Buffer.alloc(WRITE_BYTES, 0x61);
    const socket = connect(floor.port, '127.0.0.1');
    await once(socket, 'connect');
    const before = cpuMsOf(floor.child.pid);
    const start = performance.now();
    for (let sent = 0; sent < bytes; sent += WRITE_BYTES) {
      if (!socket.write(sent + WRITE_BYTES <= bytes ? chunk : chunk.subarray(0, bytes - sent))) {
        await once(socket, 'drain');
      }
    }
    socket.end();
    const line = await floor.next();
    const seconds = (performance.now() - start) / 1000;
    const cpuMs = cpuMsOf(floor.child.pid) - before;
    if (line !== `done ${bytes}`)
      throw new Error(`floor socket-to-file said "${line}", expected done ${bytes}`);
    socket.destroy();
    return figuresOf(bytes, seconds, cpuMs);
  } finally {
    floor.child.kill();
    await exited(floor.child);
  }
}

/** Reads `file` (of `bytes` bytes) to a socket from a floor process, draining it here. */
export async function fileToSocketFloor(file, bytes) {
  const floor = await startFloor('file-to-socket', file);
  try {
    const before = cpuMsOf(floor.child.pid);
    const start = performance.now();
    const socket = connect(floor.port, '127.0.0.1');
    let received = 0;
    socket.on('data', (chunk) => {
      received += chunk.length;
    });
    await once(socket, 'end');
    const line = await floor.next();
    const seconds = (performance.now() - start) / 1000;
    const cpuMs = cpuMsOf(floor.child.pid) - before;
    if (received !== bytes || line !== `done ${bytes}`) {
      throw new Error(`floor file-to-socket sent ${received} bytes ("${line}"), expected ${bytes}`);
    }
    return figuresOf(bytes, seconds, cpuMs);
  } finally {
    floor.child.kill();
    await exited(floor.child);
  }
}
