export const keepStart = '<!-- keep:start -->';
export const keepEnd = '<!-- keep:end -->';

/** What a fresh page holds between the markers, until someone writes the real thing. */
const placeholder = `## Changes and their effect

Hand-written: \`npm run bench\` regenerates everything on this page except what lies between the keep
markers. Record each tuning step here: what changed, which measure moved, before → after.

| change | measure | before | after |
| --- | --- | --- | --- |
| (none yet) | | | |`;

/**
 * The hand-written part of an existing page, markers excluded; the placeholder when there is none.
 * A page whose markers are broken (one missing) is refused rather than silently losing the text.
 */
export function keptSection(existingPage: string | undefined): string {
  if (existingPage === undefined) return placeholder;
  const start = existingPage.indexOf(keepStart);
  const end = existingPage.indexOf(keepEnd);
  if (start === -1 && end === -1) return placeholder;
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`the existing page has a broken keep section (need ${keepStart} … ${keepEnd} in that order); fix it by hand first`);
  }
  return existingPage.slice(start + keepStart.length, end).replace(/^\n+|\n+$/g, '');
}
