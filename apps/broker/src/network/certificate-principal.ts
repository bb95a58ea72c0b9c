import type { TLSSocket } from 'node:tls';
import { ANONYMOUS_PRINCIPAL } from '../handlers/api-handler.js';

/**
 * `User:<subject>` for a client that presented a certificate the broker trusts, the subject
 * printed as RFC 2253 does (`CN=alice,OU=eng,O=Example,C=DE`: the attributes in the reverse of
 * their order in the certificate, as Java's X500Principal.getName() prints them), which is what Kafka's default
 * SSL principal builder puts after `User:`. `User:ANONYMOUS` without a trusted certificate
 * (`ssl.client.auth=none`, or `requested` and none or an untrusted one given).
 */
export function certificatePrincipal(socket: TLSSocket): string {
  if (!socket.authorized) return ANONYMOUS_PRINCIPAL;
  const certificate = socket.getPeerCertificate();
  const subject = certificate?.subject as Record<string, string | string[]> | undefined;
  if (!subject || Object.keys(subject).length === 0) return ANONYMOUS_PRINCIPAL;
  const parts: string[] = [];
  for (const key of Object.keys(subject).reverse()) {
    const value = subject[key]!;
    for (const v of Array.isArray(value) ? value : [value]) parts.push(`${key}=${escapeRfc2253(v)}`);
  }
  return `User:${parts.join(',')}`;
}

/** RFC 2253 section 2.4: `,+"\<>;` escaped, and a leading `#` or space or a trailing space. */
function escapeRfc2253(value: string): string {
  return value.replace(/[,+"\\<>;]/g, (c) => `\\${c}`).replace(/^[#\s]|\s$/g, (c) => `\\${c}`);
}
