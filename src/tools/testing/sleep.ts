import { setTimeout as delay } from 'node:timers/promises';
import { defineTool } from '../tool-definition';
import { sleepSpec } from '../specs/sleep';

const HEARTBEAT_INTERVAL_MS = 1_000;

export const sleepTool = defineTool(sleepSpec, async (input, ctx) => {
  // A deadline rather than summing steps, so timer lateness does not stretch long sleeps.
  const deadline = Date.now() + input.ms;
  ctx.heartbeat();
  for (let left = input.ms; left > 0; left = deadline - Date.now()) {
    // Rejects with Node's AbortError (cause: the signal's reason) as soon as the signal aborts.
    await delay(Math.min(left, HEARTBEAT_INTERVAL_MS), undefined, { signal: ctx.signal });
    ctx.heartbeat();
  }
  // A zero-length sleep never reaches the timer, but a cancelled call must still not succeed.
  await delay(0, undefined, { signal: ctx.signal });
  return `Slept ${input.ms} ms`;
});
