import {
  ApiVersions,
  decodeRequestBody,
  ErrorCode,
  encodeResponseChunks,
  encodeResponseFrame,
  ProtocolError,
  type RequestHeaderData,
  type RequestHeaderPrefix,
  readRequestHeaderPrefix,
} from '@runnel/protocol';
import {
  type AnyApiHandler,
  CloseConnection,
  type ConnectionInfo,
  type HandlerResult,
  NO_RESPONSE,
  type RequestContext,
} from '../handlers/api-handler.js';
import type { HandlerGroup } from '../handlers/handler-group.js';
import type { ApiRequestStats } from '../metrics/api-request-stats.js';
import type { BrokerMetrics } from '../metrics/broker-metrics.js';
import type { ClientQuotaManager } from '../security/quotas/client-quota-manager.js';
import { throttledResponse } from '../security/quotas/throttled-response.js';
import { type ResponseFrame, responseFrameBytes } from './kafka-connection.js';

/** A served API: its handler, and its request stats bound once so no request looks them up. */
interface Route {
  readonly handler: AnyApiHandler;
  readonly stats: ApiRequestStats;
}

/**
 * The request path: header -> handler -> response frame, with no framework in between. What it
 * does with requests it cannot serve follows Kafka:
 * - an unreadable header or an unknown API key: nothing sensible can be answered, so the
 *   connection closes (with the reason logged);
 * - ApiVersions at a version above ours: a v0 reply with UNSUPPORTED_VERSION and our ranges, so
 *   the client can retry at a version we have;
 * - another API above the versions we can decode: the connection closes, as Kafka does;
 * - a version we advertise but do not serve, or a body that does not decode: an error response
 *   of that API built by its handler.
 */
export class RequestRouter {
  private readonly routes = new Map<number, Route>();
  private readonly groups: HandlerGroup[] = [];

  /** `quotas`: client quotas to enforce on every response (see throttledResponse). */
  constructor(
    private readonly metrics: BrokerMetrics,
    private readonly quotas?: ClientQuotaManager,
  ) {}

  /** Serves these groups' APIs from now on (one handler per API key). */
  register(...groups: HandlerGroup[]): this {
    for (const group of groups) {
      this.groups.push(group);
      for (const handler of group.handlers) {
        this.routes.set(handler.api.apiKey, { handler, stats: this.metrics.forApi(handler.api.name) });
      }
    }
    return this;
  }

  /** Tells every handler group that the broker is stopping (see HandlerGroup.stop). */
  async stop(): Promise<void> {
    await Promise.all(this.groups.map((group) => group.stop?.()));
  }

  /** `{ apiKey, minVersion: 0, maxVersion }` for every API served, as ApiVersions reports them. */
  supportedApis(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.routes.values()]
      .map(({ handler: h }) => ({
        apiKey: h.api.apiKey,
        minVersion: 0,
        maxVersion: h.api.request.validVersions.max,
      }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }

  dispatch = (
    frame: Buffer,
    connection: ConnectionInfo,
  ): ResponseFrame | CloseConnection | Promise<ResponseFrame | CloseConnection> => {
    const started = performance.now();
    this.metrics.requestReceived(frame.length + 4);
    let prefix: RequestHeaderPrefix;
    try {
      prefix = readRequestHeaderPrefix(frame);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      return new CloseConnection(`unreadable request header: ${err.message}`);
    }
    const { header } = prefix;
    const route = this.routes.get(header.requestApiKey);
    if (!route) {
      return new CloseConnection(
        `unknown API key ${header.requestApiKey} (correlation id ${header.correlationId})`,
      );
    }
    const version = header.requestApiVersion;
    const { handler } = route;
    const { api } = handler;
    if (version < 0 || version > api.request.validVersions.max) {
      if (api === ApiVersions) return this.unsupportedApiVersions(route, header, started);
      return new CloseConnection(
        `${api.name} v${version} is above the highest version served (${api.request.validVersions.max})`,
      );
    }
    const context: RequestContext = { header, version, connection };
    let request: unknown;
    try {
      request = decodeRequestBody(api, frame, prefix);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      return this.respond(
        route,
        context,
        handler.errorResponse(null, ErrorCode.INVALID_REQUEST, context),
        started,
      );
    }
    if (version < (handler.minServedVersion ?? 0)) {
      return this.respond(
        route,
        context,
        handler.errorResponse(request, ErrorCode.UNSUPPORTED_VERSION, context),
        started,
      );
    }
    const result = handler.handle(request, context);
    if (result instanceof Promise) {
      const waitFrom = performance.now();
      return result.then((body) =>
        this.respond(route, context, body, started, frame.length, performance.now() - waitFrom),
      );
    }
    return this.respond(route, context, result, started, frame.length);
  };

  private respond(
    { handler, stats }: Route,
    context: RequestContext,
    body: HandlerResult<unknown>,
    started: number,
    /** The request frame's bytes, and how long an asynchronous handler waited (not counted as busy). */
    requestBytes = 0,
    waitedMs = 0,
  ): ResponseFrame | CloseConnection {
    if (body instanceof CloseConnection) {
      if (body.lastResponse === undefined) {
        this.metrics.responseSent(stats, 0, (performance.now() - started) / 1000, 'error');
        return body;
      }
      const last = encodeResponseChunks(
        handler.api,
        context.version,
        context.header.correlationId,
        body.lastResponse,
      );
      this.metrics.responseSent(
        stats,
        responseFrameBytes(last),
        (performance.now() - started) / 1000,
        'error',
      );
      return new CloseConnection(body.reason, last);
    }
    if (body === NO_RESPONSE) {
      if (this.quotas?.enabled) {
        const busyMs = performance.now() - started - waitedMs;
        throttledResponse(this.quotas, handler.api, context, null, null, requestBytes, busyMs);
      }
      this.metrics.responseSent(stats, 0, (performance.now() - started) / 1000, 'ok');
      return null;
    }
    let frame: ResponseFrame = encodeResponseChunks(
      handler.api,
      context.version,
      context.header.correlationId,
      body,
    );
    if (this.quotas?.enabled) {
      const busyMs = performance.now() - started - waitedMs;
      frame = throttledResponse(this.quotas, handler.api, context, body, frame, requestBytes, busyMs);
    }
    const failed = typeof body === 'object' && body !== null && (body as { errorCode?: number }).errorCode;
    this.metrics.responseSent(
      stats,
      responseFrameBytes(frame),
      (performance.now() - started) / 1000,
      failed ? 'error' : 'ok',
    );
    return frame;
  }

  private unsupportedApiVersions({ stats }: Route, header: RequestHeaderData, started: number): Buffer {
    const frame = encodeResponseFrame(ApiVersions, 0, header.correlationId, {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: this.supportedApis(),
    });
    this.metrics.responseSent(stats, frame.length, (performance.now() - started) / 1000, 'error');
    return frame;
  }
}
