// The latency bench's floor: a relay with no Kafka in it, run in its own process as the broker is.
// It listens on 127.0.0.1 (port 0) and prints `relay listening on <port>`. Each connection's
// first byte names it: `P` the producer's, `C` the consumer's (answered with `C` once taken). Every chunk read from the
// producer's is written to the consumer's unchanged, and a 4-byte acknowledgement per chunk goes
// back to the producer. So a
// record takes the broker's trip (sender -> relay -> sender's other socket, with an answer on the
// first) through the same two processes, sockets and wake-ups, and the relay does nothing else.
import { createServer } from 'node:net';

const ACK = Buffer.from([0, 0, 0, 1]);
let consumer;
const server = createServer({ noDelay: true }, (socket) => {
  socket.on('error', () => undefined);
  let role;
  socket.on('data', (chunk) => {
    if (role === undefined) {
      role = String.fromCharCode(chunk[0]);
      if (role === 'C') {
        consumer = socket;
        socket.write('C'); // taken: records written from now on reach it
      }
      chunk = chunk.subarray(1);
      if (chunk.length === 0) return;
    }
    if (role !== 'P') return;
    consumer?.write(chunk);
    socket.write(ACK);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`relay listening on ${server.address().port}\n`);
});
process.once('SIGTERM', () => process.exit(0));
