// A ServerRunnel app in a process of its own, for test/crash.spec.ts to SIGKILL: no close(), no
// final commit. Plain JavaScript on the built package (dist/), decorators applied by hand.
// Usage: node crash-service.mjs <bootstrap> <topic> <groupId> <offset to hold forever>
// Prints one JSON line per happening: {"started": n}, {"finished": n}, {"committed": n}, {"ready": true}.
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern } from '@nestjs/microservices';
import { ServerRunnel } from '../../dist/index.js';

const [bootstrap, topic, groupId, hold] = process.argv.slice(2);
const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

class CrashController {
  async handle(ctx) {
    const offset = ctx.getOffset();
    say({ started: Number(offset) });
    // The held record's handler never returns: only a kill ends it.
    if (offset === BigInt(hold)) await new Promise(() => undefined);
    say({ finished: Number(offset) });
  }
}
Ctx()(CrashController.prototype, 'handle', 0);
EventPattern(topic)(
  CrashController.prototype,
  'handle',
  Object.getOwnPropertyDescriptor(CrashController.prototype, 'handle'),
);
Controller()(CrashController);
class CrashModule {}
Module({ controllers: [CrashController] })(CrashModule);

const server = new ServerRunnel({
  client: { clientId: 'crash-service', brokers: [bootstrap] },
  consumer: {
    groupId,
    maxWaitMs: 50,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
    autoCommitIntervalMs: 20,
  },
  subscribe: { fromBeginning: true },
});
server.on('commit', (event) => {
  for (const { offset } of event.offsets) say({ committed: Number(offset) });
});
const app = await NestFactory.createMicroservice(CrashModule, { strategy: server, logger: false });
await app.listen();
say({ ready: true });
