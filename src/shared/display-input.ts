/** Longest string kept whole in an event or the state; a file's content is often far longer. */
export const maxDisplayStringLength = 2000;

/**
 * A copy of a tool's input for events and state, with long strings cut. The tool itself gets the
 * whole input; events only need enough to show what the call does, and every event is held in the
 * workflow, returned by queries and carried in the workflow result, where size is not free.
 */
export function displayInput(value: unknown): unknown {
  if (typeof value === 'string') {
    if (value.length <= maxDisplayStringLength) return value;
    return `${value.slice(0, maxDisplayStringLength)}… [${value.length - maxDisplayStringLength} more characters]`;
  }
  if (Array.isArray(value)) return value.map(displayInput);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, displayInput(inner)]));
  }
  return value;
}
