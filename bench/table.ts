/**
 * Markdown tables and number formats for the bench output, so a run can be pasted into
 * docs/performance.md as it is.
 */

/** Renders rows as a Markdown table; numeric-looking cells are right-aligned. */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => cells.length > 0 && cells.every((r) => /^[-+]?[\d.,]+( ?[a-zA-Z%×]+)?$/.test(r[i] ?? '')));
  const line = (r: string[]) => '| ' + r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ') + ' |';
  const rule = '| ' + widths.map((w, i) => (numeric[i] ? '-'.repeat(w - 1) + ':' : '-'.repeat(w))).join(' | ') + ' |';
  return [line(header), rule, ...cells.map(line)].join('\n');
}

/** Bytes as KB with one decimal (1 KB = 1024 bytes). */
export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** A whole number with thousands separators. */
export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Milliseconds as seconds with up to two decimals. */
export function seconds(ms: number | null): string {
  return ms === null ? 'never' : `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 2)} s`;
}

/** A ratio with two decimals and a ×. */
export function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}×`;
}

/** Bytes as MB with two decimals (1 MB = 1024 × 1024 bytes); negative residues shown as 0. */
export function mb(bytes: number): string {
  return `${(Math.max(0, bytes) / 1024 / 1024).toFixed(2)} MB`;
}
