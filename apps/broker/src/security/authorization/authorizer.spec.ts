import { hostOf } from './authorizer.js';

describe('hostOf (the host an ACL is matched against)', () => {
  it('is the address without its port, an IPv4-mapped IPv6 address in its IPv4 form', () => {
    expect(hostOf('127.0.0.1:53012')).toBe('127.0.0.1');
    expect(hostOf('::1:53012')).toBe('::1');
    expect(hostOf('::ffff:10.0.0.7:53012')).toBe('10.0.0.7');
    expect(hostOf('fe80::1:53012')).toBe('fe80::1');
  });
});
