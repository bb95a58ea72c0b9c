import { createServer } from 'node:net';
import { Controller } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { ServerRunnel } from '../src/index.js';

@Controller()
class IdleController {
  @EventPattern<string>('orders')
  order(): void {}
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ServerRunnel.listen', () => {
  it('fails app.listen() with the connection error when no broker answers, and leaves nothing open', async () => {
    const port = await closedPort();
    const moduleRef = await Test.createTestingModule({ controllers: [IdleController] }).compile();
    const server = new ServerRunnel({ client: { clientId: 'nobody', brokers: [`127.0.0.1:${port}`] } });
    const app = moduleRef.createNestMicroservice({ strategy: server, logger: false });
    await expect(app.listen()).rejects.toThrow(`127.0.0.1:${port}`);
    expect(() => server.unwrap()).toThrow('ServerRunnel is not listening');
    await app.close();
  }, 30_000);
});
