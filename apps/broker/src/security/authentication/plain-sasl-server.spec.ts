import { PlainSaslServer } from './plain-sasl-server.js';
import { SaslAuthenticationError } from './sasl-server.js';

const server = new PlainSaslServer(new Map([['alice', 'alice-secret']]));
const token = (...parts: string[]) => Buffer.from(parts.join('\u0000'));

describe('PlainSaslServer', () => {
  it('authenticates a user with its password, with or without an authorization id equal to it', () => {
    expect(server.evaluate(token('', 'alice', 'alice-secret')).user).toBe('alice');
    expect(server.evaluate(token('alice', 'alice', 'alice-secret')).user).toBe('alice');
  });

  it.each([
    ['a wrong password', token('', 'alice', 'alice-secre')],
    ['an unknown user', token('', 'bob', 'alice-secret')],
    ['another authorization id', token('admin', 'alice', 'alice-secret')],
    ['too few fields', token('alice', 'alice-secret')],
    ['too many fields', token('', 'alice', 'alice-secret', 'x')],
    ['an empty token', Buffer.alloc(0)],
    ['an absurd length', Buffer.alloc(1 << 20, 0x41)],
  ])('refuses %s', (_, bytes) => {
    expect(() => server.evaluate(bytes)).toThrow(SaslAuthenticationError);
  });
});
