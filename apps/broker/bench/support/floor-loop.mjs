// The raw floor of the broker's request path, run as its own process so its CPU can be measured
// as the broker's is: the least a Node process does to move the same bytes.
//   node floor-loop.mjs socket-to-file <file>: accepts one TCP connection and appends every chunk
//     it reads to <file> with fs.writeSync (the broker's produce path without parsing a request);
//   node floor-loop.mjs file-to-socket <file>: accepts one TCP connection and writes <file> to it
//     in READ_BYTES chunks read with fs.readSync into fresh buffers, waiting for 'drain' when the
//     socket's buffer is full (the broker's fetch path without a request or a response header).
// Prints `port <n>` once listening and `done <bytes>` once the connection has ended.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';

/** Bytes read from the file per socket write: librdkafka's fetch.message.max.bytes, one partition's answer. */
const READ_BYTES = 1024 * 1024;

const [mode, file] = process.argv.slice(2);
if ((mode !== 'socket-to-file' && mode !== 'file-to-socket') || !file) {
  process.stderr.write('usage: floor-loop.mjs socket-to-file|file-to-socket <file>\n');
  process.exit(2);
}

const server = createServer((socket) => {
  server.close();
  let bytes = 0;
  if (mode === 'socket-to-file') {
    const fd = openSync(file, 'a');
    socket.on('data', (chunk) => {
      writeSync(fd, chunk);
      bytes += chunk.length;
    });
    socket.on('end', () => {
      closeSync(fd);
      socket.end();
      process.stdout.write(`done ${bytes}\n`);
    });
    return;
  }
  const fd = openSync(file, 'r');
  const pump = () => {
    for (;;) {
      const chunk = Buffer.allocUnsafe(READ_BYTES);
      const read = readSync(fd, chunk, 0, READ_BYTES, bytes);
      if (read === 0) {
        closeSync(fd);
        socket.end(() => process.stdout.write(`done ${bytes}\n`));
        return;
      }
      bytes += read;
      if (!socket.write(read === READ_BYTES ? chunk : chunk.subarray(0, read))) {
        socket.once('drain', pump);
        return;
      }
    }
  };
  pump();
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${server.address().port}\n`));
