import { BLOCK_BEGIN, BLOCK_END, replacePeersBlock } from './benchmarks-md.js';

describe('replacePeersBlock', () => {
  it('replaces only what lies between the markers', () => {
    const document = `# Benchmarks\n\nbefore\n\n${BLOCK_BEGIN}\nold table\n${BLOCK_END}\n\nafter\n`;
    expect(replacePeersBlock(document, 'new table\n')).toBe(
      `# Benchmarks\n\nbefore\n\n${BLOCK_BEGIN}\nnew table\n${BLOCK_END}\n\nafter\n`,
    );
  });

  it('appends a marked block to a document that has none', () => {
    expect(replacePeersBlock('# Benchmarks\n\ntext\n', 'table')).toBe(
      `# Benchmarks\n\ntext\n\n${BLOCK_BEGIN}\ntable\n${BLOCK_END}\n`,
    );
  });

  it('gives the same document when run twice with the same block', () => {
    const once = replacePeersBlock('# Benchmarks\n', 'table');
    expect(replacePeersBlock(once, 'table')).toBe(once);
  });

  it('refuses a lone marker, markers out of order, or repeated', () => {
    const bad = [
      `a\n${BLOCK_BEGIN}\nb\n`,
      `a\n${BLOCK_END}\nb\n`,
      `${BLOCK_END}\nx\n${BLOCK_BEGIN}\n`,
      `${BLOCK_BEGIN}\nx\n${BLOCK_END}\n${BLOCK_BEGIN}\ny\n${BLOCK_END}\n`,
    ];
    for (const document of bad) expect(() => replacePeersBlock(document, 'table')).toThrow(/once/);
  });
});
