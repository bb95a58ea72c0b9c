import {
  type AclBinding,
  type AclBindingFilter,
  AclOperation,
  AclPermissionType,
  PatternType,
  type Resource,
  ResourceType,
  WILDCARD_HOST,
  WILDCARD_PRINCIPAL,
  WILDCARD_RESOURCE,
} from './acl.js';
import type { AclIndex } from './acl-index.js';

/** Who asks: a principal (`User:alice`) from a host (an IP address, as Kafka's `InetAddress`). */
export interface AclRequester {
  readonly principal: string;
  readonly host: string;
}

/** The rules around the ACLs: `super.users` and `allow.everyone.if.no.acl.found`. */
export interface AclRules {
  readonly superUsers: ReadonlySet<string>;
  readonly allowEveryoneIfNoAclFound: boolean;
}

/**
 * Operations an ALLOW ACL grants beyond its own, as Kafka's AclAuthorizer: whoever may Read,
 * Write, Delete or Alter a resource may Describe it, and whoever may AlterConfigs may
 * DescribeConfigs. A DENY denies only its own operation (or ALL): denying Read leaves Describe.
 */
const IMPLIED_BY: ReadonlyMap<AclOperation, readonly AclOperation[]> = new Map([
  [
    AclOperation.DESCRIBE,
    [AclOperation.DESCRIBE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER],
  ],
  [AclOperation.DESCRIBE_CONFIGS, [AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS]],
]);

/** Whether an ACL's resource pattern applies to a resource: same type and the name literal, `*`, or a prefix of it. */
export function patternMatches(acl: AclBinding, resource: Resource): boolean {
  if (acl.resourceType !== resource.resourceType) return false;
  if (acl.patternType === PatternType.PREFIXED) return resource.name.startsWith(acl.resourceName);
  return acl.resourceName === resource.name || acl.resourceName === WILDCARD_RESOURCE;
}

function entryMatches(
  acl: AclBinding,
  requester: AclRequester,
  operations: readonly AclOperation[],
): boolean {
  return (
    (acl.principal === requester.principal || acl.principal === WILDCARD_PRINCIPAL) &&
    (acl.host === requester.host || acl.host === WILDCARD_HOST) &&
    (acl.operation === AclOperation.ALL || operations.includes(acl.operation))
  );
}

/**
 * Kafka's AclAuthorizer.authorize for one action, in its order: a super user may do anything; a
 * resource no ACL applies to (of any principal or operation) is allowed only with
 * `allow.everyone.if.no.acl.found`; otherwise a matching DENY refuses whatever ALLOW there is,
 * and a matching ALLOW (of the operation, one that implies it, or ALL) is needed.
 */
export function isAuthorized(
  acls: AclIndex,
  rules: AclRules,
  requester: AclRequester,
  operation: AclOperation,
  resource: Resource,
): boolean {
  if (rules.superUsers.has(requester.principal)) return true;
  const applicable = acls.applicable(resource);
  if (applicable.length === 0) return rules.allowEveryoneIfNoAclFound;
  const denied = applicable.some(
    (acl) => acl.permissionType === AclPermissionType.DENY && entryMatches(acl, requester, [operation]),
  );
  if (denied) return false;
  const granting = IMPLIED_BY.get(operation) ?? [operation];
  return applicable.some(
    (acl) => acl.permissionType === AclPermissionType.ALLOW && entryMatches(acl, requester, granting),
  );
}

/**
 * Whether a stored ACL is selected by a DescribeAcls or DeleteAcls filter, as Kafka's
 * AclBindingFilter.matches: ANY codes and null strings match anything; pattern type ANY matches
 * either pattern by name; MATCH selects every ACL that would apply to the named resource
 * (literal of that name, the `*` literal, and prefixes of it).
 */
export function filterMatches(filter: AclBindingFilter, acl: AclBinding): boolean {
  if (filter.resourceType !== ResourceType.ANY && filter.resourceType !== acl.resourceType) return false;
  if (!patternFilterMatches(filter, acl)) return false;
  if (filter.principal !== null && filter.principal !== acl.principal) return false;
  if (filter.host !== null && filter.host !== acl.host) return false;
  if (filter.operation !== AclOperation.ANY && filter.operation !== acl.operation) return false;
  return filter.permissionType === AclPermissionType.ANY || filter.permissionType === acl.permissionType;
}

function patternFilterMatches(filter: AclBindingFilter, acl: AclBinding): boolean {
  const name = filter.resourceName;
  switch (filter.patternType) {
    case PatternType.ANY:
      return name === null || name === acl.resourceName;
    case PatternType.MATCH:
      return name === null || patternMatches(acl, { resourceType: acl.resourceType, name });
    case PatternType.LITERAL:
    case PatternType.PREFIXED:
      return filter.patternType === acl.patternType && (name === null || name === acl.resourceName);
    default:
      return false;
  }
}

/**
 * Kafka's Authorizer.authorizeByResourceType: whether some resource of `resourceType` may be
 * acted on, i.e. an ALLOW of the operation (or ALL) exists for the requester whose pattern is not
 * cancelled by a DENY on the same pattern or on every resource (`*`, or the empty prefix).
 * InitProducerId asks it (Write on any topic lets a producer be idempotent, KIP-679).
 */
export function isAuthorizedForSomeResource(
  acls: readonly AclBinding[],
  rules: AclRules,
  requester: AclRequester,
  operation: AclOperation,
  resourceType: ResourceType,
): boolean {
  if (rules.superUsers.has(requester.principal)) return true;
  const ofType = acls.filter(
    (acl) => acl.resourceType === resourceType && entryMatches(acl, requester, [operation]),
  );
  const denies = ofType.filter((acl) => acl.permissionType === AclPermissionType.DENY);
  const deniedEverywhere = denies.some(
    (deny) =>
      (deny.patternType === PatternType.LITERAL && deny.resourceName === WILDCARD_RESOURCE) ||
      (deny.patternType === PatternType.PREFIXED && deny.resourceName === ''),
  );
  if (deniedEverywhere) return false;
  return ofType.some(
    (allow) =>
      allow.permissionType === AclPermissionType.ALLOW &&
      !denies.some(
        (deny) =>
          deny.resourceName === allow.resourceName ||
          (deny.patternType === PatternType.PREFIXED && allow.resourceName.startsWith(deny.resourceName)),
      ),
  );
}
