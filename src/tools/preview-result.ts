// Control characters and whitespace runs (newlines included) all collapse to one space.
const BREAKS_AND_CONTROLS = /[\s\u0000-\u001f\u007f]+/g;

/** A one-line preview of a tool result (or any text) of at most `max` characters, cut with '…'. */
export function previewResult(text: string, max = 200): string {
  const line = text.replace(BREAKS_AND_CONTROLS, ' ').trim();
  if (line.length <= max) return line;
  if (max <= 0) return '';
  let cut = line.slice(0, max - 1);
  // Never leave half of a surrogate pair (emoji etc.) before the ellipsis.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}
