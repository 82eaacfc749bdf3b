export type Cell = string | number;

/** A plain-text table: columns padded to their widest cell, numbers right-aligned. */
export function formatTable(columns: readonly string[], rows: readonly Cell[][]): string {
  const text = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? fmt(cell) : cell)));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[], numeric: (i: number) => boolean) =>
    cells
      .map((cell, i) => (numeric(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const isNumber = (i: number) => rows.some((row) => typeof row[i] === 'number');
  return [
    line(columns, isNumber),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...text.map((row) => line(row, isNumber)),
  ].join('\n');
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value)
    ? value.toLocaleString('en')
    : value.toLocaleString('en', { maximumFractionDigits: 2 });
}
