/** Longest string kept whole in an event or the state; a file's content is often far longer. */
export const maxDisplayStringLength = 2000;

/** A display copy past this many characters of JSON is cut again, harder: events stay small whatever a tool takes. */
export const maxDisplayInputJson = 8 * 1024;
const hardCutLength = 200;

/** A string for events and state: whole when short, else its start and how much was left out. */
export function displayString(value: string, max: number = maxDisplayStringLength): string {
  if (value.length <= max) return value;
  return `${value.slice(0, max)}… [${value.length - max} more characters]`;
}

/**
 * A copy of a tool's input for events and state, with long strings cut. The tool itself gets the
 * whole input; events only need enough to show what the call does, and every event is held in the
 * workflow and returned by queries, where size is not free.
 */
export function displayInput(value: unknown): unknown {
  const cut = cutStrings(value, maxDisplayStringLength);
  return JSON.stringify(cut)?.length > maxDisplayInputJson ? cutStrings(value, hardCutLength) : cut;
}

function cutStrings(value: unknown, max: number): unknown {
  if (typeof value === 'string') return displayString(value, max);
  if (Array.isArray(value)) return value.map((inner) => cutStrings(inner, max));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, cutStrings(inner, max)]));
  }
  return value;
}
