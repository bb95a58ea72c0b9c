import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ConsoleRequestError } from '../console-errors.js';

interface IncomingRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** Methods that change nothing: a page elsewhere may cause them (links, images), they do no harm. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `Sec-Fetch-Site` values of a request this console's own pages (or no page at all) made. */
const OWN_SITES = new Set(['same-origin', 'none']);

/**
 * Refuses a change that a page of another site made the operator's browser send (cross-site
 * request forgery: the console listens on 127.0.0.1, which every page the operator opens can
 * reach).
 *
 * - A request that says where it comes from (`Origin`, `Sec-Fetch-Site`) must come from this
 *   console's origin: 403 otherwise.
 * - A body must be JSON (`Content-Type: application/json`): 415 otherwise. A page elsewhere can
 *   post a form or text/plain without asking, but JSON only after a CORS preflight, which this
 *   console never grants, so a browser does not send it.
 *
 * Scripts (curl, fetch from Node) send neither header and are not affected beyond the JSON rule.
 */
@Injectable()
export class SameOriginGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<IncomingRequest>();
    const { method, url, headers } = request;
    if (SAFE_METHODS.has(method)) return true;
    const origin = header(headers, 'origin');
    const host = header(headers, 'host');
    if (origin !== undefined && !sameHost(origin, host)) {
      throw new ConsoleRequestError(
        403,
        `${method} ${url}: refused, Origin ${origin} is not this console (${host})`,
      );
    }
    const site = header(headers, 'sec-fetch-site');
    if (site !== undefined && !OWN_SITES.has(site)) {
      throw new ConsoleRequestError(
        403,
        `${method} ${url}: refused, sent by a page of another site (Sec-Fetch-Site: ${site})`,
      );
    }
    const length = header(headers, 'content-length');
    const hasBody =
      (length !== undefined && length !== '0') || header(headers, 'transfer-encoding') !== undefined;
    const type = header(headers, 'content-type');
    if (hasBody && !isJson(type)) {
      throw new ConsoleRequestError(
        415,
        `${method} ${url}: Content-Type ${type ?? '(none)'} is not accepted; send the body as application/json`,
      );
    }
    return true;
  }
}

function header(headers: IncomingRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Whether `origin` (scheme://host[:port]) names the host this request was sent to; `null` (a
 * sandboxed frame, a file:// page) names none.
 */
function sameHost(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    const from = new URL(origin);
    // Parsed with the origin's scheme, so a default port written out (`:443` behind a TLS proxy) matches.
    return from.host === new URL(`${from.protocol}//${host}`).host;
  } catch {
    return false;
  }
}

function isJson(type: string | undefined): boolean {
  return type?.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
}
