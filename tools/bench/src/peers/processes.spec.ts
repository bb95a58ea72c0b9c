import { once } from 'node:events';
import { createConnection } from 'node:net';
import { findExecutable, freePort, portIn, runToExit, startServer } from './processes.js';

/** A node child running `source`. */
const node = (source: string) => [process.execPath, ['-e', source]] as const;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startServer', () => {
  it('resolves with what the ready parser read, and stop() ends the child', async () => {
    const [command, args] = node(
      "const s = require('net').createServer().listen(0, '127.0.0.1', () => console.error('listening on 127.0.0.1:' + s.address().port));",
    );
    const server = await startServer(command, args, portIn(/listening on [^:]+:(\d+)/));
    const socket = createConnection(server.ready, '127.0.0.1');
    await once(socket, 'connect');
    socket.destroy();
    await server.stop();
    expect(alive(server.child.pid!)).toBe(false);
  });

  it('kills a child that ignores SIGTERM', async () => {
    const [command, args] = node(
      "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000);",
    );
    const server = await startServer(command, args, (line) => (line === 'ready' ? true : undefined));
    await server.stop(200);
    expect(server.child.signalCode).toBe('SIGKILL');
  });

  it('rejects with the last lines of a child that exits before it is ready', async () => {
    const [command, args] = node("console.error('port 1 is in use'); process.exit(3);");
    await expect(startServer(command, args, () => undefined)).rejects.toThrow(
      /exited \(3\) before it was ready; its last output:\nport 1 is in use/,
    );
  });

  it('rejects when the command cannot be started', async () => {
    await expect(startServer('/nonexistent/server', [], () => undefined)).rejects.toThrow(/could not start/);
  });

  it('hands every line to onLine, also after ready', async () => {
    const [command, args] = node("console.log('ready'); console.log('after'); setInterval(() => {}, 1000);");
    const lines: string[] = [];
    let sawAfter: () => void = () => undefined;
    const after = new Promise<void>((resolve) => {
      sawAfter = resolve;
    });
    const server = await startServer(
      command,
      args,
      (line) => (line === 'ready' ? true : undefined),
      (line) => {
        lines.push(line);
        if (line === 'after') sawAfter();
      },
    );
    await after;
    await server.stop();
    expect(lines).toEqual(['ready', 'after']);
  });
});

describe('runToExit', () => {
  it('gives the exit code, stdout to the callback and the tail of stderr', async () => {
    const [command, args] = node("process.stdout.write('a\\nb\\n'); console.error('why'); process.exit(4);");
    let stdout = '';
    const result = await runToExit(command, args, (chunk) => (stdout += chunk), 10_000);
    expect(result).toEqual({ code: 4, signal: null, stderr: 'why' });
    expect(stdout).toBe('a\nb\n');
  });

  it('kills a child that outlives its timeout', async () => {
    const [command, args] = node('setInterval(() => {}, 1000);');
    const result = await runToExit(command, args, () => undefined, 200);
    expect(result.signal).toBe('SIGKILL');
  });
});

describe('findExecutable and freePort', () => {
  it('finds node on PATH and nothing for a name that is not there', () => {
    expect(findExecutable(process.execPath)).toBe(process.execPath);
    expect(findExecutable('no-such-command-for-bench-peers')).toBeUndefined();
  });

  it('gives a port that can be listened on', async () => {
    const port = await freePort();
    const { createServer } = await import('node:net');
    const server = createServer().listen(port, '127.0.0.1');
    await once(server, 'listening');
    server.close();
    expect(port).toBeGreaterThan(0);
  });
});
