import { type AclBinding, AclOperation, AclPermissionType, PatternType, ResourceType } from './acl.js';
import { AclIndex } from './acl-index.js';
import { filterMatches, isAuthorized, isAuthorizedForSomeResource } from './acl-matcher.js';

/** isAuthorized over an index of `acls`, as the broker asks it. */
const authorized = (
  acls: readonly AclBinding[],
  ...rest: Parameters<typeof isAuthorized> extends [unknown, ...infer R] ? R : never
) => isAuthorized(new AclIndex(acls), ...rest);

// Cases follow Kafka's AclAuthorizerTest (testAllowAllAccess, testDenyTakesPrecedence,
// testNoAclFound, testSuperUserHasAccess, testWildCardAcls, testTopicAcl, testAccessAllowedIfAllowAclExistsOnPrefixedResource,
// testAllowAccessWithCustomPrincipal, testDescribeImplied...).
const alice = { principal: 'User:alice', host: '192.168.0.1' };
const bob = { principal: 'User:bob', host: '192.168.0.2' };
const strict = { superUsers: new Set<string>(), allowEveryoneIfNoAclFound: false };
const topic = (name: string) => ({ resourceType: ResourceType.TOPIC, name });

function acl(overrides: Partial<AclBinding>): AclBinding {
  return {
    resourceType: ResourceType.TOPIC,
    resourceName: 'orders',
    patternType: PatternType.LITERAL,
    principal: 'User:alice',
    host: '*',
    operation: AclOperation.READ,
    permissionType: AclPermissionType.ALLOW,
    ...overrides,
  } as AclBinding;
}

describe('isAuthorized (Kafka AclAuthorizer rules)', () => {
  it('refuses a resource no ACL mentions, unless allow.everyone.if.no.acl.found', () => {
    expect(authorized([], strict, alice, AclOperation.READ, topic('orders'))).toBe(false);
    const open = { ...strict, allowEveryoneIfNoAclFound: true };
    expect(authorized([], open, alice, AclOperation.READ, topic('orders'))).toBe(true);
    // Once any ACL mentions the resource, the fallback no longer applies to anyone.
    expect(authorized([acl({})], open, bob, AclOperation.READ, topic('orders'))).toBe(false);
    expect(authorized([acl({})], open, bob, AclOperation.READ, topic('payments'))).toBe(true);
  });

  it('grants exactly the operation, principal and resource of an ALLOW', () => {
    const acls = [acl({})];
    expect(authorized(acls, strict, alice, AclOperation.READ, topic('orders'))).toBe(true);
    expect(authorized(acls, strict, alice, AclOperation.WRITE, topic('orders'))).toBe(false);
    expect(authorized(acls, strict, bob, AclOperation.READ, topic('orders'))).toBe(false);
    expect(authorized(acls, strict, alice, AclOperation.READ, topic('orders2'))).toBe(false);
    expect(
      authorized(acls, strict, alice, AclOperation.READ, {
        resourceType: ResourceType.GROUP,
        name: 'orders',
      }),
    ).toBe(false);
  });

  it('lets a DENY win over any ALLOW, including ALL and wildcards', () => {
    const acls = [
      acl({ operation: AclOperation.ALL, principal: 'User:*' }),
      acl({ permissionType: AclPermissionType.DENY, operation: AclOperation.WRITE }),
    ];
    expect(authorized(acls, strict, alice, AclOperation.WRITE, topic('orders'))).toBe(false);
    expect(authorized(acls, strict, alice, AclOperation.READ, topic('orders'))).toBe(true);
    expect(authorized(acls, strict, bob, AclOperation.WRITE, topic('orders'))).toBe(true);
    const denyAll = [
      acl({}),
      acl({ resourceName: '*', permissionType: AclPermissionType.DENY, operation: AclOperation.ALL }),
    ];
    expect(authorized(denyAll, strict, alice, AclOperation.READ, topic('orders'))).toBe(false);
  });

  it('matches hosts exactly or by *', () => {
    const acls = [acl({ host: '192.168.0.1' })];
    expect(authorized(acls, strict, alice, AclOperation.READ, topic('orders'))).toBe(true);
    expect(authorized(acls, strict, { ...alice, host: '10.0.0.1' }, AclOperation.READ, topic('orders'))).toBe(
      false,
    );
  });

  it('applies User:* and the * resource to everyone and everything of the type', () => {
    const acls = [acl({ principal: 'User:*', resourceName: '*' })];
    expect(authorized(acls, strict, bob, AclOperation.READ, topic('anything'))).toBe(true);
    expect(authorized(acls, strict, bob, AclOperation.WRITE, topic('anything'))).toBe(false);
  });

  it('applies a PREFIXED pattern to every name that starts with it, and only to those', () => {
    const acls = [
      acl({ resourceName: 'orders-', patternType: PatternType.PREFIXED, operation: AclOperation.WRITE }),
    ];
    expect(authorized(acls, strict, alice, AclOperation.WRITE, topic('orders-eu'))).toBe(true);
    expect(authorized(acls, strict, alice, AclOperation.WRITE, topic('orders-'))).toBe(true);
    expect(authorized(acls, strict, alice, AclOperation.WRITE, topic('orders'))).toBe(false);
    expect(authorized(acls, strict, alice, AclOperation.WRITE, topic('xorders-eu'))).toBe(false);
  });

  it('implies Describe from Read, Write, Delete and Alter, and DescribeConfigs from AlterConfigs, but not the reverse', () => {
    for (const op of [AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER]) {
      expect(
        authorized([acl({ operation: op })], strict, alice, AclOperation.DESCRIBE, topic('orders')),
      ).toBe(true);
    }
    expect(
      authorized(
        [acl({ operation: AclOperation.CREATE })],
        strict,
        alice,
        AclOperation.DESCRIBE,
        topic('orders'),
      ),
    ).toBe(false);
    expect(
      authorized(
        [acl({ operation: AclOperation.DESCRIBE })],
        strict,
        alice,
        AclOperation.READ,
        topic('orders'),
      ),
    ).toBe(false);
    const alterConfigs = [acl({ operation: AclOperation.ALTER_CONFIGS })];
    expect(authorized(alterConfigs, strict, alice, AclOperation.DESCRIBE_CONFIGS, topic('orders'))).toBe(
      true,
    );
    const describeConfigs = [acl({ operation: AclOperation.DESCRIBE_CONFIGS })];
    expect(authorized(describeConfigs, strict, alice, AclOperation.ALTER_CONFIGS, topic('orders'))).toBe(
      false,
    );
  });

  it('does not let an implied Describe survive a DENY of Describe, while a DENY of Read leaves Describe', () => {
    const denyDescribe = [
      acl({}),
      acl({ operation: AclOperation.DESCRIBE, permissionType: AclPermissionType.DENY }),
    ];
    expect(authorized(denyDescribe, strict, alice, AclOperation.DESCRIBE, topic('orders'))).toBe(false);
    const denyRead = [
      acl({ operation: AclOperation.WRITE }),
      acl({ permissionType: AclPermissionType.DENY }),
    ];
    expect(authorized(denyRead, strict, alice, AclOperation.DESCRIBE, topic('orders'))).toBe(true);
  });

  it('lets super users do anything, even against a DENY', () => {
    const rules = { ...strict, superUsers: new Set(['User:admin']) };
    const acls = [
      acl({ principal: 'User:*', operation: AclOperation.ALL, permissionType: AclPermissionType.DENY }),
    ];
    expect(
      authorized(
        acls,
        rules,
        { principal: 'User:admin', host: '1.2.3.4' },
        AclOperation.DELETE,
        topic('orders'),
      ),
    ).toBe(true);
    expect(authorized(acls, rules, alice, AclOperation.DELETE, topic('orders'))).toBe(false);
  });
});

describe('filterMatches (AclBindingFilter)', () => {
  const any = {
    resourceType: ResourceType.ANY,
    resourceName: null,
    patternType: PatternType.ANY,
    principal: null,
    host: null,
    operation: AclOperation.ANY,
    permissionType: AclPermissionType.ANY,
  };
  const literal = acl({});
  const prefixed = acl({ resourceName: 'ord', patternType: PatternType.PREFIXED });
  const wildcard = acl({ resourceName: '*' });

  it('selects everything with ANY and nulls, and by each field otherwise', () => {
    expect([literal, prefixed, wildcard].every((a) => filterMatches(any, a))).toBe(true);
    expect(filterMatches({ ...any, principal: 'User:bob' }, literal)).toBe(false);
    expect(filterMatches({ ...any, operation: AclOperation.WRITE }, literal)).toBe(false);
    expect(filterMatches({ ...any, resourceType: ResourceType.GROUP }, literal)).toBe(false);
    expect(filterMatches({ ...any, permissionType: AclPermissionType.DENY }, literal)).toBe(false);
  });

  it('tells literal from prefixed patterns by type and exact name', () => {
    expect(filterMatches({ ...any, patternType: PatternType.LITERAL, resourceName: 'orders' }, literal)).toBe(
      true,
    );
    expect(filterMatches({ ...any, patternType: PatternType.LITERAL, resourceName: 'ord' }, prefixed)).toBe(
      false,
    );
    expect(filterMatches({ ...any, patternType: PatternType.PREFIXED, resourceName: 'ord' }, prefixed)).toBe(
      true,
    );
    expect(filterMatches({ ...any, resourceName: 'orders' }, prefixed)).toBe(false);
  });

  it('with MATCH selects every ACL that applies to the named resource', () => {
    const match = { ...any, patternType: PatternType.MATCH, resourceName: 'orders' };
    expect([literal, prefixed, wildcard].map((a) => filterMatches(match, a))).toEqual([true, true, true]);
    expect(filterMatches({ ...match, resourceName: 'payments' }, prefixed)).toBe(false);
  });
});

describe('isAuthorizedForSomeResource (authorizeByResourceType)', () => {
  it('is true once some topic allows the operation, unless a deny covers that pattern or every topic', () => {
    const allow = acl({ operation: AclOperation.WRITE });
    expect(isAuthorizedForSomeResource([allow], strict, alice, AclOperation.WRITE, ResourceType.TOPIC)).toBe(
      true,
    );
    expect(isAuthorizedForSomeResource([allow], strict, bob, AclOperation.WRITE, ResourceType.TOPIC)).toBe(
      false,
    );
    expect(isAuthorizedForSomeResource([allow], strict, alice, AclOperation.WRITE, ResourceType.GROUP)).toBe(
      false,
    );
    const denySame = acl({ operation: AclOperation.WRITE, permissionType: AclPermissionType.DENY });
    expect(
      isAuthorizedForSomeResource([allow, denySame], strict, alice, AclOperation.WRITE, ResourceType.TOPIC),
    ).toBe(false);
    const denyAll = acl({
      resourceName: '*',
      operation: AclOperation.ALL,
      permissionType: AclPermissionType.DENY,
    });
    expect(
      isAuthorizedForSomeResource([allow, denyAll], strict, alice, AclOperation.WRITE, ResourceType.TOPIC),
    ).toBe(false);
    const denyOther = acl({
      resourceName: 'payments',
      operation: AclOperation.WRITE,
      permissionType: AclPermissionType.DENY,
    });
    expect(
      isAuthorizedForSomeResource([allow, denyOther], strict, alice, AclOperation.WRITE, ResourceType.TOPIC),
    ).toBe(true);
  });
});

describe('AclIndex', () => {
  it('finds the literal, the * literal and every prefix that applies, and nothing of another type or name', () => {
    const acls = [
      acl({ resourceName: 'orders-eu' }),
      acl({ resourceName: '*' }),
      acl({ resourceName: 'o', patternType: PatternType.PREFIXED }),
      acl({ resourceName: 'orders-', patternType: PatternType.PREFIXED }),
      acl({ resourceName: 'orders-eu-x', patternType: PatternType.PREFIXED }),
      acl({ resourceName: 'orders-eu', resourceType: ResourceType.GROUP }),
      acl({ resourceName: 'orders-us' }),
    ];
    const found = new AclIndex(acls).applicable(topic('orders-eu'));
    expect(found.map((a) => a.resourceName).sort()).toEqual(['*', 'o', 'orders-', 'orders-eu']);
    expect(
      new AclIndex(acls).applicable({ resourceType: ResourceType.CLUSTER, name: 'kafka-cluster' }),
    ).toEqual([]);
  });
});
