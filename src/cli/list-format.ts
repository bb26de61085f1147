import type { GenerationListPage } from '../shared/generation-list';

/** `toolstream ls`: one aligned row per generation, newest first as the API sends them. */
export function formatGenerationList(page: GenerationListPage): string {
  if (page.generations.length === 0) return 'no generations\n';
  const rows = page.generations.map((g) => [g.id, g.status, String(g.iteration), g.costUsd === null ? 'unknown' : `$${g.costUsd.toFixed(4)}`, g.startedAt ?? '', g.title]);
  const header = ['ID', 'STATUS', 'ITER', 'COST', 'STARTED', 'TITLE'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const format = (row: string[]): string => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ');
  return [format(header), ...rows.map(format), page.nextCursor ? `(more: --cursor ${page.nextCursor})` : ''].filter(Boolean).join('\n') + '\n';
}
