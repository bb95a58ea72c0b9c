import { type Api, apiByKey, ErrorCode, KafkaError } from '@runnel/protocol';

/** What a broker said in ApiVersions about one API: the versions it serves. */
export interface BrokerApiRange {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
}

/**
 * The versions a connection uses: for each API, the highest version that both this client's codec
 * (@runnel/protocol's definitions) and the broker (its ApiVersions answer) support. Computed once
 * per connection at the handshake, so choosing a version per request is a map lookup.
 */
export class ApiVersionTable {
  private readonly chosen = new Map<number, number>();
  private readonly broker = new Map<number, BrokerApiRange>();

  constructor(
    private readonly brokerAddress: string,
    brokerRanges: readonly BrokerApiRange[],
  ) {
    for (const range of brokerRanges) {
      this.broker.set(range.apiKey, range);
      const api = apiByKey(range.apiKey);
      if (api === undefined) continue;
      const max = Math.min(api.request.validVersions.max, range.maxVersion);
      const min = Math.max(api.request.validVersions.min, range.minVersion);
      if (max >= min) this.chosen.set(range.apiKey, max);
    }
  }

  /** Whether some version of `api` is served by both sides. */
  supports(api: Api<unknown, unknown>): boolean {
    return this.chosen.has(api.apiKey);
  }

  /** The broker's own range for an API key, as it announced it; undefined when it does not serve it. */
  brokerRange(apiKey: number): BrokerApiRange | undefined {
    return this.broker.get(apiKey);
  }

  /**
   * The version to send `api` at. Throws UNSUPPORTED_VERSION naming both ranges when the broker
   * does not serve the API or no version is common to both sides.
   */
  versionFor(api: Api<unknown, unknown>): number {
    const version = this.chosen.get(api.apiKey);
    if (version !== undefined) return version;
    const ours = `${api.request.validVersions.min}-${api.request.validVersions.max}`;
    const range = this.broker.get(api.apiKey);
    const theirs =
      range === undefined ? 'does not serve it' : `serves v${range.minVersion}-${range.maxVersion}`;
    throw KafkaError.fromCode(ErrorCode.UNSUPPORTED_VERSION, {
      context: `broker ${this.brokerAddress}`,
      message: `${api.name} (key ${api.apiKey}): this client speaks v${ours}, the broker ${theirs}`,
    });
  }
}
