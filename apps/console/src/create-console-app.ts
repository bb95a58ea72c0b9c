import type { AddressInfo } from 'node:net';
import { type INestApplication, type LoggerService, type LogLevel, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConsoleModule } from './console.module.js';
import { type ConsoleConfig, DEFAULT_CONSOLE_CONFIG } from './console-config.js';

export interface ConsoleAppOptions extends Partial<ConsoleConfig> {
  /** NestJS's logger: a LoggerService, the levels to print, or false for silence (default NestJS's console logger). */
  readonly logger?: LoggerService | LogLevel[] | false;
}

export interface ConsoleApp {
  readonly app: INestApplication;
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts the console: HTTP on `port`, pages and the JSON API on the brokers of `bootstrapServers`.
 * It starts whether or not a broker answers (the pages then say the cluster cannot be reached,
 * and recover when it can).
 */
export async function createConsoleApp(options: ConsoleAppOptions = {}): Promise<ConsoleApp> {
  const { logger, ...overrides } = options;
  const config: ConsoleConfig = { ...DEFAULT_CONSOLE_CONFIG, ...overrides };
  const app = await NestFactory.create(ConsoleModule.forRoot(config), {
    logger: logger ?? undefined,
    abortOnError: false,
  });
  try {
    app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
    app.enableShutdownHooks();
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://${config.host}:${port}`, port, close: () => app.close() };
}
