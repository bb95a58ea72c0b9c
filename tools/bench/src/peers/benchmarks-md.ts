/** The markers around the part of BENCHMARKS.md this benchmark writes; the rest is left as it is. */
export const BLOCK_BEGIN = '<!-- peers:begin -->';
export const BLOCK_END = '<!-- peers:end -->';

/**
 * `document` with the text between BLOCK_BEGIN and BLOCK_END replaced by `block`, or, when it has
 * no markers yet, with the marked block appended. A document with only one marker, or with them
 * out of order or repeated, is refused rather than guessed at: it would mean rewriting text
 * someone else wrote.
 */
export function replacePeersBlock(document: string, block: string): string {
  const begin = document.indexOf(BLOCK_BEGIN);
  const end = document.indexOf(BLOCK_END);
  const marked = `${BLOCK_BEGIN}\n${block.trimEnd()}\n${BLOCK_END}`;
  if (begin === -1 && end === -1) return `${document.trimEnd()}\n\n${marked}\n`;
  if (
    begin === -1 ||
    end === -1 ||
    end < begin ||
    document.indexOf(BLOCK_BEGIN, begin + 1) !== -1 ||
    document.indexOf(BLOCK_END, end + 1) !== -1
  ) {
    throw new Error(
      `BENCHMARKS.md must hold ${BLOCK_BEGIN} once followed by ${BLOCK_END} once, or neither; found begin at ${begin}, end at ${end}`,
    );
  }
  return document.slice(0, begin) + marked + document.slice(end + BLOCK_END.length);
}
