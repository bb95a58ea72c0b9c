import { formatBytes } from './byte-size.js';

describe('formatBytes', () => {
  it('shows whole bytes below 1 KiB', () => {
    expect([0, 1, 1023].map(formatBytes)).toEqual(['0 B', '1 B', '1023 B']);
  });

  it('moves to the next binary unit at 1024, one decimal below 100 of it', () => {
    expect(formatBytes(1024)).toBe('1.0 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(99.94 * 1024 * 1024)).toBe('99.9 MiB');
    expect(formatBytes(312 * 1024 ** 3)).toBe('312 GiB');
    expect(formatBytes(2 * 1024 ** 6)).toBe('2048 PiB');
  });

  it('says n/a when the cluster does not report sizes', () => {
    expect(formatBytes(null)).toBe('n/a');
  });
});
