import { ErrorCode } from '@runnel/protocol';
import type { RequestContext } from '../../handlers/api-handler.js';
import {
  type AclBinding,
  type AclBindingFilter,
  type AclOperation,
  CLUSTER_RESOURCE_NAME,
  type Resource,
  ResourceType,
} from './acl.js';
import { type AclRules, isAuthorized, isAuthorizedForSomeResource } from './acl-matcher.js';
import type { AclStore } from './acl-store.js';

/** ConfigResource types (DescribeConfigs, IncrementalAlterConfigs): a topic, a broker. */
const CONFIG_RESOURCE_TOPIC = 2;
const CONFIG_RESOURCE_BROKER = 4;

/**
 * The one question handlers ask: may this request's principal, from its host, perform this
 * operation on this resource? Built from `--authorizer`: with `none` (the default) everything is
 * allowed, as before authorization existed; with `acl` the broker's ACLs decide (Kafka's
 * AclAuthorizer, see acl-matcher.ts). The ACL APIs reach the ACLs through `acls`, which is
 * absent with `none` (they answer SECURITY_DISABLED, as Kafka without an authorizer).
 */
export class Authorizer {
  private constructor(
    readonly acls: AclStore | undefined,
    private readonly rules: AclRules,
  ) {}

  /** Every request allowed (`--authorizer none`). */
  static none(): Authorizer {
    return new Authorizer(undefined, { superUsers: new Set(), allowEveryoneIfNoAclFound: true });
  }

  /** Authorization by the ACLs of `store` (`--authorizer acl`). */
  static acl(store: AclStore, rules: AclRules): Authorizer {
    return new Authorizer(store, rules);
  }

  get enabled(): boolean {
    return this.acls !== undefined;
  }

  authorize(context: RequestContext, operation: AclOperation, resource: Resource): boolean {
    if (this.acls === undefined) return true;
    return isAuthorized(this.acls.index(), this.rules, requesterOf(context), operation, resource);
  }

  /** Whether `operation` is allowed on some resource of `resourceType` (Kafka's authorizeByResourceType). */
  authorizeAny(context: RequestContext, operation: AclOperation, resourceType: ResourceType): boolean {
    if (this.acls === undefined) return true;
    return isAuthorizedForSomeResource(
      this.acls.all(),
      this.rules,
      requesterOf(context),
      operation,
      resourceType,
    );
  }

  topic(context: RequestContext, operation: AclOperation, name: string): boolean {
    return this.authorize(context, operation, { resourceType: ResourceType.TOPIC, name });
  }

  group(context: RequestContext, operation: AclOperation, name: string): boolean {
    return this.authorize(context, operation, { resourceType: ResourceType.GROUP, name });
  }

  cluster(context: RequestContext, operation: AclOperation): boolean {
    return this.authorize(context, operation, {
      resourceType: ResourceType.CLUSTER,
      name: CLUSTER_RESOURCE_NAME,
    });
  }

  /**
   * For DescribeConfigs and IncrementalAlterConfigs: the error a config resource gets when
   * `operation` is not allowed on it (a topic, 2: on the topic, TOPIC_AUTHORIZATION_FAILED; a
   * broker, 4: on the cluster, CLUSTER_AUTHORIZATION_FAILED), or null when it is.
   */
  configsRefusal(
    context: RequestContext,
    operation: AclOperation,
    resourceType: number,
    name: string,
  ): number | null {
    if (resourceType === CONFIG_RESOURCE_TOPIC) {
      return this.topic(context, operation, name) ? null : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
    }
    if (resourceType === CONFIG_RESOURCE_BROKER) {
      return this.cluster(context, operation) ? null : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
    }
    return null;
  }

  /** Adds ACLs (CreateAcls); resolves once they are stored. */
  async addAcls(bindings: readonly AclBinding[]): Promise<void> {
    await this.acls?.add(bindings);
  }

  /** Removes the ACLs each filter selects (DeleteAcls); resolves once stored, with them per filter. */
  async removeAcls(filters: readonly AclBindingFilter[]): Promise<AclBinding[][]> {
    return (await this.acls?.remove(filters)) ?? filters.map(() => []);
  }

  /** Stops watching the cluster's ACLs (NestJS calls it as the broker closes). */
  async onModuleDestroy(): Promise<void> {
    await this.acls?.close();
  }
}

function requesterOf(context: RequestContext): { principal: string; host: string } {
  return { principal: context.connection.principal, host: hostOf(context.connection.remoteAddress) };
}

/**
 * The host of `address:port` (`127.0.0.1:5301` -> `127.0.0.1`, `::1:5301` -> `::1`), with an
 * IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) as its IPv4 form, as Kafka's InetAddress prints it.
 */
export function hostOf(remoteAddress: string): string {
  const colon = remoteAddress.lastIndexOf(':');
  const host = colon < 0 ? remoteAddress : remoteAddress.slice(0, colon);
  return host.startsWith('::ffff:') && host.includes('.') ? host.slice('::ffff:'.length) : host;
}
