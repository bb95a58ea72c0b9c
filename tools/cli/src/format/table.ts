/** A table cell: numbers and bigints are written in decimal, null as `-` (Kafka's tools print `-` for "none"). */
export type Cell = string | number | bigint | boolean | null;

/**
 * Renders rows under a header as left-aligned columns two spaces apart, as kafka-topics.sh and
 * kafka-consumer-groups.sh print them. Ends with a newline; no rows gives just the header.
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = [headers, ...rows.map((row) => row.map(cellText))];
  const widths = headers.map((_, column) => Math.max(...text.map((row) => (row[column] ?? '').length)));
  return text
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}

export function cellText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '-';
  return String(cell);
}
