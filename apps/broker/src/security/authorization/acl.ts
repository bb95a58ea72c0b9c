import {
  AclOperation,
  AclPermissionType,
  AclPatternType as PatternType,
  AclResourceType as ResourceType,
} from '@runnel/protocol';

export { AclOperation, AclPermissionType, PatternType, ResourceType };

/**
 * Kafka's ACL model (org.apache.kafka.common.acl and .resource), with the same numeric codes on
 * the wire (CreateAcls, DescribeAcls, DeleteAcls) and the same names in the CLI and on disk.
 * An ACL binds a resource pattern (type, name, literal or prefixed) to an entry: a principal
 * (`User:alice`, or `User:*` for every user), a host (`*` for every host), an operation and
 * whether it is allowed or denied.
 */

/** The name of the cluster resource, as Kafka's `Resource.CLUSTER_NAME`. */
export const CLUSTER_RESOURCE_NAME = 'kafka-cluster';
/** A literal resource name that matches every resource of its type. */
export const WILDCARD_RESOURCE = '*';
/** The principal that matches every user. */
export const WILDCARD_PRINCIPAL = 'User:*';
/** The host that matches every host. */
export const WILDCARD_HOST = '*';

/** A resource an operation is asked on: always a concrete name. */
export interface Resource {
  readonly resourceType: ResourceType;
  readonly name: string;
}

/** One stored ACL. */
export interface AclBinding {
  readonly resourceType: ResourceType;
  readonly resourceName: string;
  readonly patternType: PatternType.LITERAL | PatternType.PREFIXED;
  readonly principal: string;
  readonly host: string;
  readonly operation: AclOperation;
  readonly permissionType: AclPermissionType.ALLOW | AclPermissionType.DENY;
}

/** What DescribeAcls and DeleteAcls select by: null names, principals and hosts match any. */
export interface AclBindingFilter {
  readonly resourceType: ResourceType;
  readonly resourceName: string | null;
  readonly patternType: PatternType;
  readonly principal: string | null;
  readonly host: string | null;
  readonly operation: AclOperation;
  readonly permissionType: AclPermissionType;
}

/** Thrown for an ACL that cannot be stored; CreateAcls answers it with INVALID_REQUEST. */
export class InvalidAclError extends Error {
  override readonly name = 'InvalidAclError';
}

/**
 * Checks that a binding from a client can be stored, as Kafka's AclControlManager.validateNewAcl:
 * concrete resource type, pattern, operation and permission; a `Type:name` principal; the cluster
 * resource named `kafka-cluster`; a non-empty resource name.
 */
export function validateAclBinding(binding: {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}): AclBinding {
  const { resourceType, resourceName, patternType, principal, host, operation, permissionType } = binding;
  if (!(resourceType in ResourceType) || resourceType <= ResourceType.ANY) {
    throw new InvalidAclError(`resourceType ${resourceType} must be a concrete resource type (2-7)`);
  }
  if (patternType !== PatternType.LITERAL && patternType !== PatternType.PREFIXED) {
    throw new InvalidAclError(`patternType ${patternType} must be LITERAL (3) or PREFIXED (4)`);
  }
  if (!(operation in AclOperation) || operation <= AclOperation.ANY) {
    throw new InvalidAclError(`operation ${operation} must be a concrete operation (2-14)`);
  }
  if (permissionType !== AclPermissionType.ALLOW && permissionType !== AclPermissionType.DENY) {
    throw new InvalidAclError(`permissionType ${permissionType} must be DENY (2) or ALLOW (3)`);
  }
  if (resourceName === '') throw new InvalidAclError('resourceName must not be empty');
  if (resourceType === ResourceType.CLUSTER && resourceName !== CLUSTER_RESOURCE_NAME) {
    throw new InvalidAclError(
      `resourceName ${JSON.stringify(resourceName)} of a CLUSTER ACL must be ${CLUSTER_RESOURCE_NAME}`,
    );
  }
  if (!/^[^:]+:.+$/.test(principal)) {
    throw new InvalidAclError(
      `principal ${JSON.stringify(principal)} must be of the form Type:name (User:alice)`,
    );
  }
  if (host === '') throw new InvalidAclError('host must not be empty (use * for every host)');
  return {
    resourceType,
    resourceName,
    patternType,
    principal,
    host,
    operation,
    permissionType,
  } as AclBinding;
}

/** Whether two bindings are the same ACL. */
export function sameAcl(a: AclBinding, b: AclBinding): boolean {
  return (
    a.resourceType === b.resourceType &&
    a.resourceName === b.resourceName &&
    a.patternType === b.patternType &&
    a.principal === b.principal &&
    a.host === b.host &&
    a.operation === b.operation &&
    a.permissionType === b.permissionType
  );
}

/** The Kafka name of a code of one of the enums above (`TOPIC`, `READ`), or the number when unknown. */
export function aclName<E extends Record<string, string | number>>(enumeration: E, code: number): string {
  return String(enumeration[code as unknown as keyof E] ?? code);
}
