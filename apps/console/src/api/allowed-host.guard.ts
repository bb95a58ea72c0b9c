import { isIP } from 'node:net';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { CONSOLE_CONFIG } from '../console.tokens.js';
import type { ConsoleConfig } from '../console-config.js';
import { ConsoleRequestError } from '../console-errors.js';

/**
 * Answers only requests addressed to this console by a name it knows (as Vite's and webpack's dev
 * servers do): an IP address, `localhost`, the `--host` it listens on, or one of `--allowed-hosts`.
 * Everything else is 403, pages and API alike.
 *
 * Why: DNS rebinding. A page at `evil.example` can point that name at 127.0.0.1 once it has
 * loaded; its scripts then read this console as their own origin (the browser sends
 * `Host: evil.example:8080`, and Origin agrees with it), topics, messages and all. The name is the
 * one thing such a request cannot hide.
 */
@Injectable()
export class AllowedHostGuard implements CanActivate {
  private readonly names: ReadonlySet<string>;
  private readonly domains: readonly string[];

  constructor(@Inject(CONSOLE_CONFIG) config: ConsoleConfig) {
    const listed = config.allowedHosts.map((name) => name.toLowerCase());
    this.names = new Set([
      'localhost',
      config.host.toLowerCase(),
      ...listed.filter((n) => !n.startsWith('.')),
    ]);
    this.domains = listed.filter((n) => n.startsWith('.'));
  }

  canActivate(context: ExecutionContext): boolean {
    const { method, url, headers } = context
      .switchToHttp()
      .getRequest<{ method: string; url: string; headers: Record<string, string | undefined> }>();
    const host = headers.host;
    // HTTP/1.0 without a Host header: no browser sends that, so no page can be behind it.
    if (host === undefined || this.allows(host)) return true;
    throw new ConsoleRequestError(
      403,
      `${method} ${url}: Host ${host} is not a name of this console; to serve it under that name, start it with --allowed-hosts ${hostname(host) ?? host}`,
    );
  }

  private allows(host: string): boolean {
    const name = hostname(host);
    if (name === undefined) return false;
    if (isIP(name.replace(/^\[|\]$/g, '')) !== 0 || this.names.has(name)) return true;
    return this.domains.some((domain) => name.endsWith(domain) || name === domain.slice(1));
  }
}

/** The name of a Host header (`[::1]:8080` -> `[::1]`, `Console.Example:80` -> `console.example`). */
function hostname(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
}
