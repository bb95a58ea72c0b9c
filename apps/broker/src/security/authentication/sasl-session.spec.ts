import { PlainSaslServer } from './plain-sasl-server.js';
import { SaslSession } from './sasl-session.js';

const METADATA = 3;
const API_VERSIONS = 18;

function session(maxReauthMs = 0) {
  const clock = { now: 1_000 };
  const failures: [string | undefined, string][] = [];
  const users = new Map([
    ['alice', 'a-secret'],
    ['bob', 'b-secret'],
  ]);
  const s = new SaslSession({
    mechanisms: ['PLAIN'],
    serverFor: () => new PlainSaslServer(users),
    maxReauthMs,
    now: () => clock.now,
    onFailure: (user, reason) => failures.push([user, reason]),
  });
  return { s, clock, failures };
}

const token = (user: string, password: string) => Buffer.from(`\u0000${user}\u0000${password}`);

describe('SaslSession', () => {
  it('serves only ApiVersions and the SASL APIs until authenticated, then everything as User:<name>', () => {
    const { s } = session();
    expect(s.refusal(METADATA)).toMatch(/before SASL authentication/);
    expect(s.refusal(API_VERSIONS)).toBeNull();
    expect(s.principal).toBe('User:ANONYMOUS');
    expect(s.handshake('PLAIN', 1)).toBe('ok');
    expect(s.authenticate(token('alice', 'a-secret'))).toMatchObject({
      kind: 'challenge',
      sessionLifetimeMs: 0,
    });
    expect(s.principal).toBe('User:alice');
    expect(s.refusal(METADATA)).toBeNull();
  });

  it('refuses an unknown mechanism and a second handshake during an exchange', () => {
    const { s } = session();
    expect(s.handshake('SCRAM-SHA-512', 1)).toBe('unsupported-mechanism');
    expect(s.handshake('PLAIN', 1)).toBe('ok');
    expect(s.handshake('PLAIN', 1)).toBe('illegal-state');
  });

  it('reports a failure with the user tried, never the password', () => {
    const { s, failures } = session();
    s.handshake('PLAIN', 1);
    expect(s.authenticate(token('alice', 'guess'))).toMatchObject({ kind: 'failed', user: 'alice' });
    expect(failures).toHaveLength(1);
    expect(failures[0]![0]).toBe('alice');
    expect(JSON.stringify(failures)).not.toContain('guess');
    expect(s.refusal(METADATA)).not.toBeNull();
  });

  it('expires a session after connections.max.reauth.ms and accepts a re-authentication of the same user', () => {
    const { s, clock } = session(60_000);
    s.handshake('PLAIN', 1);
    expect(s.authenticate(token('alice', 'a-secret'))).toMatchObject({ sessionLifetimeMs: 60_000 });
    clock.now += 59_999;
    expect(s.refusal(METADATA)).toBeNull();
    clock.now += 1;
    expect(s.refusal(METADATA)).toMatch(/expired/);
    expect(s.handshake('PLAIN', 1)).toBe('ok');
    expect(s.principal).toBe('User:alice');
    expect(s.refusal(METADATA)).toMatch(/expired/);
    expect(s.authenticate(token('alice', 'a-secret')).kind).toBe('challenge');
    expect(s.refusal(METADATA)).toBeNull();
  });

  it('keeps serving the session authenticated before while a re-authentication is under way', () => {
    const { s, clock } = session(60_000);
    s.handshake('PLAIN', 1);
    s.authenticate(token('alice', 'a-secret'));
    clock.now += 30_000;
    expect(s.handshake('PLAIN', 1)).toBe('ok');
    expect(s.refusal(METADATA)).toBeNull();
    clock.now += 30_000;
    expect(s.refusal(METADATA)).toMatch(/expired/);
  });

  it('refuses a re-authentication as another user', () => {
    const { s } = session(60_000);
    s.handshake('PLAIN', 1);
    s.authenticate(token('alice', 'a-secret'));
    s.handshake('PLAIN', 1);
    expect(s.authenticate(token('bob', 'b-secret'))).toMatchObject({ kind: 'failed', user: 'bob' });
    expect(s.principal).toBe('User:alice');
    expect(s.refusal(METADATA)).not.toBeNull();
  });

  it('takes bare tokens after a v0 handshake, and refuses a v0 re-authentication', () => {
    const { s } = session();
    s.handshake('PLAIN', 0);
    expect(s.expectsRawTokens).toBe(true);
    expect(s.awaitsAuthenticate).toBe(false);
    s.authenticate(token('alice', 'a-secret'));
    expect(s.expectsRawTokens).toBe(false);
    expect(s.handshake('PLAIN', 0)).toBe('illegal-state');
  });
});
