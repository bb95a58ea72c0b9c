import { type AclBinding, PatternType, type Resource, type ResourceType, WILDCARD_RESOURCE } from './acl.js';

/**
 * The ACLs by resource type and pattern name, so finding the ACLs that apply to a resource costs
 * a few map lookups, not a scan of every ACL: its literal name, the `*` literal, and each prefix of
 * its name among the prefixed patterns (as many lookups as the name has characters). Built once
 * per set of ACLs, which is immutable; a change of ACLs builds a new index.
 */
export class AclIndex {
  private readonly literal = new Map<string, AclBinding[]>();
  private readonly prefixed = new Map<string, AclBinding[]>();

  constructor(readonly all: readonly AclBinding[]) {
    for (const acl of all) {
      const map = acl.patternType === PatternType.PREFIXED ? this.prefixed : this.literal;
      const key = keyOf(acl.resourceType, acl.resourceName);
      const list = map.get(key);
      if (list) list.push(acl);
      else map.set(key, [acl]);
    }
  }

  /** Every ACL whose pattern applies to `resource`. */
  applicable({ resourceType, name }: Resource): AclBinding[] {
    const found = [
      ...(this.literal.get(keyOf(resourceType, name)) ?? []),
      ...(name === WILDCARD_RESOURCE ? [] : (this.literal.get(keyOf(resourceType, WILDCARD_RESOURCE)) ?? [])),
    ];
    if (this.prefixed.size > 0) {
      for (let end = 1; end <= name.length; end++) {
        const acls = this.prefixed.get(keyOf(resourceType, name.slice(0, end)));
        if (acls) found.push(...acls);
      }
    }
    return found;
  }
}

function keyOf(resourceType: ResourceType, name: string): string {
  return `${resourceType}:${name}`;
}
