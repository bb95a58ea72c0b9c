import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { CONSOLE_CONFIG } from '../console.tokens.js';
import type { ConsoleConfig } from '../console-config.js';
import { ConsoleRequestError } from '../console-errors.js';

/** With `--read-only`, every request but GET and HEAD is refused (403): no change reaches the cluster. */
@Injectable()
export class ReadOnlyGuard implements CanActivate {
  constructor(@Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const { method, url } = context.switchToHttp().getRequest<{ method: string; url: string }>();
    if (!this.config.readOnly || method === 'GET' || method === 'HEAD') return true;
    throw new ConsoleRequestError(
      403,
      `${method} ${url}: the console runs with --read-only, which allows no changes`,
    );
  }
}
