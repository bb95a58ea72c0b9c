/**
 * The order in which assignors deal partitions to members, as Kafka's `MemberInfo` sorts them:
 * static members first, by `groupInstanceId`; then dynamic members, by `memberId`. A static member
 * keeps its place when it restarts under a new member id, so it keeps its partitions too.
 * Strings compare by UTF-16 code unit, as Java's `String.compareTo` does (not by locale).
 */

interface OrderedMember {
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
}

export function compareMembers(a: OrderedMember, b: OrderedMember): number {
  const aStatic = a.groupInstanceId != null;
  const bStatic = b.groupInstanceId != null;
  if (aStatic !== bStatic) return aStatic ? -1 : 1;
  if (aStatic && bStatic && a.groupInstanceId !== b.groupInstanceId) {
    return compareStrings(a.groupInstanceId!, b.groupInstanceId!);
  }
  return compareStrings(a.memberId, b.memberId);
}

/** A sorted copy; throws on a repeated member id, which no group can hold. */
export function sortMembers<M extends OrderedMember>(members: readonly M[]): M[] {
  const seen = new Set<string>();
  for (const { memberId } of members) {
    if (seen.has(memberId)) {
      throw new Error(`memberId ${JSON.stringify(memberId)} appears more than once in the group`);
    }
    seen.add(memberId);
  }
  return [...members].sort(compareMembers);
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
