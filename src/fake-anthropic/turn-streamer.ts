import type { ServerResponse } from 'http';
import { blockPlanContext, isBlockStep, planBlock, type BlockPlan } from './block-plan';
import { errorBody } from './http-errors';
import { messageId, requestId } from './ids';
import { SseWriter } from './sse-writer';
import { StreamClock } from './stream-clock';
import { estimateTokens } from './tokens';
import { outputTokensSoFar, resolveInputUsage, resolveOutputTokens, resolveStopReason } from './turn-defaults';
import type { MessagesRequestBody, RecordedResponse, ScriptedTurn } from './types';

export interface TurnRunContext {
  scenario: string;
  turn: number;
  callIndex: number;
  request: MessagesRequestBody;
  /** Mutated as the stream progresses, so tests can see timing even of unfinished streams. */
  record: RecordedResponse;
  /** Aborted when the client goes away or the server shuts down. */
  signal: AbortSignal;
}

/** Streams one scripted turn as the real API's SSE event sequence. */
export async function streamTurn(res: ServerResponse, script: ScriptedTurn, ctx: TurnRunContext): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': requestId(),
  });
  res.flushHeaders();

  const writer = new SseWriter(res, { byteSplit: script.byteSplit, seed: `${ctx.scenario}/${ctx.turn}/${ctx.callIndex}` });
  const clock = new StreamClock(script.tokensPerSecond, ctx.signal, () => writer.send('ping', { type: 'ping' }));
  const stopped = (): boolean => ctx.signal.aborted || writer.closed;
  const inputUsage = resolveInputUsage(script, ctx.request);
  let emittedChars = 0;

  await writer.send('message_start', {
    type: 'message_start',
    message: {
      id: messageId(ctx.scenario, ctx.turn, ctx.callIndex),
      type: 'message',
      role: 'assistant',
      model: ctx.request.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // The real API reports a token or so here and the true total in message_delta.
      usage: { ...inputUsage, output_tokens: Math.min(1, resolveOutputTokens(script, 0)) },
    },
  });
  await writer.send('ping', { type: 'ping' });
  clock.markPinged();

  let index = 0;
  for (const [stepIndex, step] of script.steps.entries()) {
    if (stopped()) return;
    if (isBlockStep(step)) {
      const plan = planBlock(step, blockPlanContext(script, ctx.scenario, ctx.turn, stepIndex));
      emittedChars += await streamBlock(writer, clock, index, plan, stopped);
      if (stopped()) return;
      if (plan.cut) break;
      await writer.send('content_block_stop', { type: 'content_block_stop', index });
      ctx.record.blockStops.push({ index, type: plan.type, at: Date.now() });
      index++;
      continue;
    }
    switch (step.type) {
      case 'pause':
        await clock.pause(step.ms);
        break;
      case 'error':
        await writer.send('error', errorBody(step.errorType ?? 'overloaded_error', step.message ?? 'Overloaded'));
        await writer.end();
        return;
      case 'usage':
        await writer.send('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: null, stop_sequence: null },
          usage: { ...inputUsage, output_tokens: outputTokensSoFar(script, emittedChars) },
        });
        break;
      case 'disconnect':
        res.socket?.destroy();
        return;
      case 'stall':
        await clock.stall();
        return;
    }
  }
  if (stopped()) return;

  await writer.send('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: resolveStopReason(script), stop_sequence: null },
    usage: { ...inputUsage, output_tokens: resolveOutputTokens(script, emittedChars) },
  });
  await writer.send('message_stop', { type: 'message_stop' });
  if (!stopped()) ctx.record.endedAt = Date.now();
  await writer.end();
}

/** Streams content_block_start and the deltas (not the stop); returns characters emitted. */
async function streamBlock(writer: SseWriter, clock: StreamClock, index: number, plan: BlockPlan, stopped: () => boolean): Promise<number> {
  await writer.send('content_block_start', { type: 'content_block_start', index, content_block: plan.start });
  let chars = 0;
  for (const { delta, chars: deltaChars } of plan.deltas) {
    await clock.spend(estimateTokens(deltaChars));
    if (stopped()) return chars;
    await writer.send('content_block_delta', { type: 'content_block_delta', index, delta });
    chars += deltaChars;
  }
  return chars;
}
