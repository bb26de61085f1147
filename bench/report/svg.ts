/** Small helpers for hand-written SVG: the pictures need no charting dependency. */

export const palette = {
  stream: '#4e79a7',
  tool: '#f28e2b',
  finalTurn: '#76b7b2',
  end: '#e15759',
  ideal: '#59a14f',
  grid: '#e5e5e5',
  axis: '#555555',
  text: '#222222',
  series: ['#4e79a7', '#f28e2b', '#e15759', '#59a14f', '#b07aa1', '#9c755f'],
} as const;

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function svgDocument(width: number, height: number, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

export function text(x: number, y: number, content: string, attrs: Record<string, string | number> = {}): string {
  return `<text x="${fmt(x)}" y="${fmt(y)}"${attributes({ fill: palette.text, ...attrs })}>${escapeXml(content)}</text>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, attrs: Record<string, string | number> = {}): string {
  return `<line x1="${fmt(x1)}" y1="${fmt(y1)}" x2="${fmt(x2)}" y2="${fmt(y2)}"${attributes({ stroke: palette.axis, ...attrs })}/>`;
}

export function rect(x: number, y: number, width: number, height: number, fill: string, title?: string): string {
  const tooltip = title === undefined ? '' : `<title>${escapeXml(title)}</title>`;
  return `<rect x="${fmt(x)}" y="${fmt(y)}" width="${fmt(Math.max(0.5, width))}" height="${fmt(height)}" fill="${fill}">${tooltip}</rect>`;
}

export function polyline(points: readonly [number, number][], stroke: string, attrs: Record<string, string | number> = {}): string {
  const path = points.map(([x, y]) => `${fmt(x)},${fmt(y)}`).join(' ');
  return `<polyline points="${path}" fill="none"${attributes({ stroke, 'stroke-width': 2, ...attrs })}/>`;
}

/** Round tick values covering [0, max]: about `count` of them, at 1, 2 or 5 × 10^k. */
export function niceTicks(max: number, count = 6): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  // The last tick is at or past max, so the axis covers every value.
  for (let value = 0; ; value += step) {
    ticks.push(Number(value.toPrecision(12)));
    if (value >= max - step * 1e-9) return ticks;
  }
}

export function fmt(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function attributes(attrs: Record<string, string | number>): string {
  return Object.entries(attrs)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
}
