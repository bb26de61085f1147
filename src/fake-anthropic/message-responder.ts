import type { ServerResponse } from 'http';
import { setTimeout as sleep } from 'timers/promises';
import { blockPlanContext, isBlockStep, planBlock } from './block-plan';
import { sendJsonError, statusForErrorType } from './http-errors';
import { messageId, requestId } from './ids';
import { resolveInputUsage, resolveOutputTokens, resolveStopReason } from './turn-defaults';
import type { ScriptedTurn } from './types';
import type { TurnRunContext } from './turn-streamer';

/**
 * Answers a `stream: false` request with the whole message as JSON. Stream-only
 * behaviours map to their nearest non-streaming equivalent: an `error` step becomes an
 * HTTP error, and a cut block is simply dropped from the content.
 */
export async function respondWithMessage(res: ServerResponse, script: ScriptedTurn, ctx: TurnRunContext): Promise<void> {
  const content: Record<string, unknown>[] = [];
  let emittedChars = 0;
  for (const [stepIndex, step] of script.steps.entries()) {
    if (ctx.signal.aborted) return;
    if (isBlockStep(step)) {
      const plan = planBlock(step, blockPlanContext(script, ctx.scenario, ctx.turn, stepIndex));
      if (plan.cut) break;
      content.push(plan.complete);
      emittedChars += plan.deltas.reduce((sum, d) => sum + d.chars, 0);
      ctx.record.blockStops.push({ index: content.length - 1, type: plan.type, at: Date.now() });
      continue;
    }
    switch (step.type) {
      case 'pause':
        await sleep(step.ms, undefined, { signal: ctx.signal }).catch(() => undefined);
        break;
      case 'error': {
        const errorType = step.errorType ?? 'overloaded_error';
        ctx.record.status = statusForErrorType(errorType);
        sendJsonError(res, ctx.record.status, errorType, step.message ?? 'Overloaded');
        return;
      }
      case 'disconnect':
        res.socket?.destroy();
        return;
      case 'usage':
        break;
      case 'stall':
        if (!ctx.signal.aborted) {
          await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
        }
        return;
    }
  }
  if (ctx.signal.aborted) return;

  const body = JSON.stringify({
    id: messageId(ctx.scenario, ctx.turn, ctx.callIndex),
    type: 'message',
    role: 'assistant',
    model: ctx.request.model,
    content,
    stop_reason: resolveStopReason(script),
    stop_sequence: null,
    usage: { ...resolveInputUsage(script, ctx.request), output_tokens: resolveOutputTokens(script, emittedChars) },
  });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'request-id': requestId() });
  res.end(body);
  ctx.record.endedAt = Date.now();
}
