import { SaslAuthenticationError } from './sasl-server.js';
import {
  credentialFromSaltedPassword,
  formatCredential,
  parseCredential,
  saltPassword,
} from './scram-credential.js';
import { ScramSaslServer } from './scram-sasl-server.js';

/** RFC 7677 section 3: the SCRAM-SHA-256 exchange of user "user" with password "pencil". */
const RFC7677 = {
  salt: Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'),
  iterations: 4096,
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal:
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

const credential = credentialFromSaltedPassword(
  'SCRAM-SHA-256',
  saltPassword('SCRAM-SHA-256', 'pencil', RFC7677.salt, RFC7677.iterations),
  RFC7677.salt,
  RFC7677.iterations,
);

function server() {
  return new ScramSaslServer(
    'SCRAM-SHA-256',
    (user) => (user === 'user' ? credential : undefined),
    () => RFC7677.serverNonce,
  );
}

describe('ScramSaslServer', () => {
  it("answers RFC 7677's SCRAM-SHA-256 exchange byte for byte", () => {
    const s = server();
    expect(s.evaluate(Buffer.from(RFC7677.clientFirst)).challenge.toString()).toBe(RFC7677.serverFirst);
    const final = s.evaluate(Buffer.from(RFC7677.clientFinal));
    expect(final.challenge.toString()).toBe(RFC7677.serverFinal);
    expect(final.user).toBe('user');
  });

  it('refuses a proof made with another password, naming the user', () => {
    const s = server();
    s.evaluate(Buffer.from(RFC7677.clientFirst));
    const forged = RFC7677.clientFinal.replace(/p=.*$/, `p=${Buffer.alloc(32, 1).toString('base64')}`);
    expect(() => s.evaluate(Buffer.from(forged))).toThrow(
      expect.objectContaining({ name: 'SaslAuthenticationError', user: 'user' }),
    );
  });

  it('refuses an unknown user at the first message', () => {
    const s = server();
    expect(() => s.evaluate(Buffer.from('n,,n=nobody,r=abc'))).toThrow(SaslAuthenticationError);
  });

  it('refuses a final message whose nonce is not the one it was given', () => {
    const s = server();
    s.evaluate(Buffer.from(RFC7677.clientFirst));
    expect(() => s.evaluate(Buffer.from(RFC7677.clientFinal.replace('k0,p=', 'kx,p=')))).toThrow(/nonce/);
  });

  it.each([
    ['no GS2 header', 'n=user,r=abc'],
    ['channel binding', 'p=tls-unique,,n=user,r=abc'],
    ['an authorization identity', 'n,a=admin,n=user,r=abc'],
    ['no nonce', 'n,,n=user'],
    ['a malformed escape', 'n,,n=us=er,r=abc'],
    ['an absurd length', `n,,n=user,r=${'x'.repeat(10_000)}`],
    ['bytes that are not UTF-8', '\u00ff\u00fe'],
  ])('refuses a client-first message with %s', (_, message) => {
    expect(() => server().evaluate(Buffer.from(message, 'latin1'))).toThrow(SaslAuthenticationError);
  });

  it('refuses a truncated final message at every cut', () => {
    for (let cut = 0; cut < RFC7677.clientFinal.length; cut++) {
      const s = server();
      s.evaluate(Buffer.from(RFC7677.clientFirst));
      expect(() => s.evaluate(Buffer.from(RFC7677.clientFinal.slice(0, cut)))).toThrow(
        SaslAuthenticationError,
      );
    }
  });

  it('keeps credentials in the text form Kafka stores', () => {
    const text = formatCredential(credential);
    expect(text).toMatch(/^salt=W22ZaJ0SNY7soEsUEjb6gQ==,stored_key=[^,]+,server_key=[^,]+,iterations=4096$/);
    expect(parseCredential(text)).toEqual(credential);
    expect(() => parseCredential('salt=abc,iterations=4096')).toThrow(/stored_key/);
  });
});
