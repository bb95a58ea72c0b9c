import type { BrokerConfig } from '../../config/broker-config.js';
import { AclStore } from './acl-store.js';
import { Authorizer } from './authorizer.js';

/** The authorizer `--authorizer`, `--super-users` and `--allow-everyone-if-no-acl-found` describe. */
export function createAuthorizer(config: BrokerConfig): Authorizer {
  if (config.authorizer === 'none') return Authorizer.none();
  return Authorizer.acl(AclStore.open(config.dataDir), {
    superUsers: parseSuperUsers(config.superUsers ?? ''),
    allowEveryoneIfNoAclFound: config.allowEveryoneIfNoAclFound,
  });
}

/** `User:a;User:b` (Kafka's `super.users`: semicolon-separated principals) as a set. */
export function parseSuperUsers(value: string): Set<string> {
  return new Set(
    value
      .split(';')
      .map((principal) => principal.trim())
      .filter((principal) => principal !== ''),
  );
}
