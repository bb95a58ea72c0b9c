/**
 * The codes of Kafka's ACL model on the wire (CreateAcls, DescribeAcls, DeleteAcls), with Kafka's
 * numbers and names (org.apache.kafka.common.acl.AclOperation and AclPermissionType,
 * org.apache.kafka.common.resource.ResourceType and PatternType). The broker's authorizer and
 * every client of the ACL APIs (the CLI) read them from here.
 */

/** ResourceType codes. ANY is only for filters; UNKNOWN is never stored. */
export enum AclResourceType {
  UNKNOWN = 0,
  ANY = 1,
  TOPIC = 2,
  GROUP = 3,
  CLUSTER = 4,
  TRANSACTIONAL_ID = 5,
  DELEGATION_TOKEN = 6,
  USER = 7,
}

/** PatternType codes. ANY and MATCH are only for filters. */
export enum AclPatternType {
  UNKNOWN = 0,
  ANY = 1,
  MATCH = 2,
  LITERAL = 3,
  PREFIXED = 4,
}

/** AclOperation codes. ANY is only for filters; ALL grants (or denies) every operation. */
export enum AclOperation {
  UNKNOWN = 0,
  ANY = 1,
  ALL = 2,
  READ = 3,
  WRITE = 4,
  CREATE = 5,
  DELETE = 6,
  ALTER = 7,
  DESCRIBE = 8,
  CLUSTER_ACTION = 9,
  DESCRIBE_CONFIGS = 10,
  ALTER_CONFIGS = 11,
  IDEMPOTENT_WRITE = 12,
  CREATE_TOKENS = 13,
  DESCRIBE_TOKENS = 14,
}

/** AclPermissionType codes. ANY is only for filters. */
export enum AclPermissionType {
  UNKNOWN = 0,
  ANY = 1,
  DENY = 2,
  ALLOW = 3,
}
