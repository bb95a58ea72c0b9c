import { ApiVersions, ErrorCode, type InputOf, type ResponseOf } from '@runnel/protocol';
import type { ApiHandler } from './api-handler.js';

type Response = InputOf<ResponseOf<typeof ApiVersions>>;

/**
 * ApiVersions v0-3. Every API is advertised from version 0; requests above v3 never reach this
 * handler (the router answers them with a v0 UNSUPPORTED_VERSION reply listing these ranges).
 */
export class ApiVersionsHandler implements ApiHandler {
  readonly api = ApiVersions;

  constructor(private readonly supportedApis: () => Response['apiKeys']) {}

  handle(): Response {
    return { errorCode: ErrorCode.NONE, apiKeys: this.supportedApis(), throttleTimeMs: 0 };
  }

  errorResponse(_request: unknown, errorCode: number): Response {
    return { errorCode, apiKeys: this.supportedApis() };
  }
}
