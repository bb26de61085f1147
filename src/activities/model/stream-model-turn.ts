import type Anthropic from '@anthropic-ai/sdk';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { claimTurnUpdate, modelAttemptFailedSignal, modelStreamSignal } from '../../shared/definitions';
import { budgetExceededType, type DetectedToolCall, type MessageParam, type ModelTurnInput, type ModelTurnResult } from '../../shared/model-turn';
import { commitPartialTurn, preferredPartialTurn, readPartialTurn, withoutInputs, type PartialTurn } from '../../shared/partial-turn';
import { costUsd, findPrice, type PriceTable } from '../../shared/pricing';
import type { ConversationStore } from '../../storage/conversation-store';
import type { ToolRegistry } from '../../tools';
import { formatBytes, limitExceededType } from '../../shared/limits';
import type { Usage } from '../../shared/usage';
import { ModelErrorType, StreamStalledError, toModelFailure } from './model-errors';
import { ProgressSender } from './progress-sender';
import { StreamAssembler, type CompletedToolUse } from './stream-assembler';
import { StreamWatchdog } from './stream-watchdog';
import { SpendMeter } from './spend-meter';
import type { TextBatchWindow } from './text-batch-window';
import { defaultTextRunMaxMs } from './text-run-window';

export interface ModelActivityDeps {
  temporal: Client;
  anthropic: Anthropic;
  /** The key the client sends: scrubbed from every failure this activity reports. */
  anthropicApiKey: string | undefined;
  tools: ToolRegistry;
  prices: PriceTable;
  streamIdleTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Shared by every stream of this worker: stretches text batches when many stream at once. */
  textBatchWindow: TextBatchWindow;
  conversations: ConversationStore;
  /** Set when the claim check is off: payloads above it are refused here, with an error that names the limit. */
  payloadLimitBytes: number | null;
}

/**
 * One model turn, streamed. Text goes to the workflow in batches and each client tool call the
 * moment its block completes, so the workflow can start the tool while the stream goes on.
 */
export function createStreamModelTurn(deps: ModelActivityDeps) {
  return async function streamModelTurn(input: ModelTurnInput): Promise<ModelTurnResult> {
    const ctx = Context.current();
    const attempt = input.attemptBase + ctx.info.attempt;
    const price = findPrice(deps.prices, input.model);

    const workflowId = ctx.info.workflowExecution?.workflowId;
    if (!workflowId) throw ApplicationFailure.nonRetryable('streamModelTurn reports to its workflow and must run inside one');
    const workflow = deps.temporal.workflow.getHandle(workflowId, ctx.info.workflowExecution?.runId);

    if (ctx.info.attempt > 1) {
      // An earlier attempt may have handed tool calls over before it died: those stay, and are never asked for again.
      const received = await workflow.executeUpdate(claimTurnUpdate, { args: [{ iteration: input.iteration, attempt }] });
      const resumed = preferredPartialTurn(readPartialTurn(ctx.info.heartbeatDetails), received);
      if (resumed) {
        const { requestHead } = await requestMessages(deps.conversations, input);
        // Every call the workflow received it keeps the input of: the result names them only.
        const delivered = new Set(received?.toolCalls.map((call) => call.id));
        const turn = commitPartialTurn(withoutInputs(resumed, delivered), costUsd(price, resumed.usage), 'the stream of an earlier attempt stopped after tool calls');
        return { ...turn, requestHead };
      }
    }
    // The turn's new messages are stored first, so that whatever this attempt does, they are stored once.
    const { messages, requestHead } = await requestMessages(deps.conversations, input);
    const abort = new AbortController();
    const sender = new ProgressSender(
      (progress) => workflow.signal(modelStreamSignal, progress),
      { iteration: input.iteration, attempt },
      () => deps.textBatchWindow.windowMs(input.textBatchMs),
      // Nothing more reaches the workflow: streaming on would start no tools and hide the failure until the end.
      { onFailure: () => abort.abort(), payloadLimitBytes: deps.payloadLimitBytes, textRunMaxMs: defaultTextRunMaxMs },
    );
    const toolCalls: DetectedToolCall[] = [];
    const spend = new SpendMeter(price, input.budgetUsd);
    const assembler = new StreamAssembler({
      onText: (text) => {
        spend.streamed(text.length);
        sender.setPhase('streaming');
        sender.text(text);
      },
      onThinking: (text) => sender.thinking(text),
      onBlockStart: (type) => {
        sender.setPhase(type === 'thinking' || type === 'redacted_thinking' ? 'thinking' : 'streaming');
        if (type === 'tool_use') sender.toolCallStarting();
      },
      onUsage: (usage) => sender.usage({ usage, costUsd: costUsd(price, usage) }),
      onToolUse: (toolUse) => {
        const call = detectToolCall(deps.tools, toolUse);
        spend.streamed(JSON.stringify(call.input).length);
        toolCalls.push(call);
        sender.toolCall(call);
        ctx.heartbeat(heartbeatTurn());
      },
    });
    /** What this attempt streamed so far; its calls the workflow received are named without their input. */
    const partialTurn = (calls: DetectedToolCall[] = toolCalls): PartialTurn => {
      const turn = assembler.result({ includeOpenText: true });
      const partial = { streamAttempt: attempt, content: turn.content, toolCalls: [...calls], text: turn.text, usage: turn.usage };
      return withoutInputs(partial, sender.deliveredToolCalls);
    };
    /**
     * The heartbeat holds only calls the workflow received (a retry commits nothing else: the workflow
     * is the authority on what was handed over), so it never carries a tool's input.
     */
    const heartbeatTurn = (): PartialTurn | undefined => {
      const delivered = toolCalls.filter((call) => sender.deliveredToolCalls.has(call.id));
      const turn = partialTurn(delivered);
      const ids = new Set(delivered.map((call) => call.id));
      const details = { ...turn, content: turn.content.filter((block) => block.type !== 'tool_use' || ids.has(block.id)) };
      // Heartbeats bypass the claim check: past this size the workflow's own record (claimTurn) is what a retry uses.
      return Buffer.byteLength(JSON.stringify(details)) <= maxHeartbeatDetailsBytes ? details : undefined;
    };

    const reportFailedAttempt = async (usage: Usage): Promise<void> => {
      const cost = costUsd(price, usage);
      // Nothing was used (a refused request): nothing to count. An unpriced model's tokens still count.
      if (usage.inputTokens + usage.outputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens === 0) return;
      await workflow.signal(modelAttemptFailedSignal, { iteration: input.iteration, attempt, usage, costUsd: cost }).catch(() => undefined);
    };

    const onCancel = (): void => abort.abort();
    ctx.cancellationSignal.addEventListener('abort', onCancel);
    const watchdog = new StreamWatchdog(deps.streamIdleTimeoutMs, () => abort.abort());
    const heartbeat = setInterval(() => ctx.heartbeat(sender.deliveredToolCalls.size > 0 ? heartbeatTurn() : undefined), deps.heartbeatIntervalMs);
    const closeWindow = deps.textBatchWindow.open();
    try {
      const stream = await deps.anthropic.messages.create(
        {
          model: input.model,
          max_tokens: input.maxTokens,
          messages,
          tools: deps.tools.anthropicTools(),
          stream: true,
          ...(input.system ? { system: input.system } : {}),
        },
        { signal: abort.signal },
      );
      for await (const event of stream) {
        watchdog.reset();
        assembler.handle(event);
        if (spend.reachedBudget(assembler.usageSoFar)) break;
        // Done at message_stop, or once progress can no longer reach the workflow. Leaving the loop
        // closes the response; an abort that lands after the last event can leave the SDK's iterator
        // waiting for an end that never comes.
        if (event.type === 'message_stop' || sender.failed !== undefined) break;
      }
      if (sender.failed !== undefined) throw sender.failed;
      if (spend.reachedBudget(assembler.usageSoFar)) {
        abort.abort();
        await sender.close().catch(() => undefined);
        await reportFailedAttempt(spend.estimate(assembler.usageSoFar));
        throw ApplicationFailure.create({
          type: budgetExceededType,
          nonRetryable: true,
          message: `The generation reached its spend limit (maxCostUsd) while the model streamed: this call had $${input.budgetUsd} left`,
        });
      }
      const turn = assembler.result();
      if (!turn.sawMessageStop) {
        throw ApplicationFailure.create({ type: ModelErrorType.incomplete, message: 'The model stream ended before message_stop' });
      }
      await sender.closeBeforeResult();
      // Every call reached the workflow with its input: the result names them only.
      const calls: Pick<ModelTurnResult, 'content' | 'toolCalls' | 'inputsOmitted'> = withoutInputs({ content: turn.content, toolCalls }, sender.deliveredToolCalls);
      return checkedSize(deps.payloadLimitBytes, {
        streamAttempt: attempt,
        content: calls.content,
        stopReason: turn.stopReason ?? 'end_turn',
        usage: turn.usage,
        costUsd: costUsd(price, turn.usage),
        toolCalls: calls.toolCalls,
        ...(calls.inputsOmitted ? { inputsOmitted: calls.inputsOmitted } : {}),
        text: turn.text,
        streamEndedAt: new Date().toISOString(),
        requestHead,
      });
    } catch (err) {
      if (err instanceof ApplicationFailure && err.type === budgetExceededType) throw err;
      if (isLimitExceeded(sender.failed)) throw sender.failed;
      if (sender.failed !== undefined && toolCalls.length === 0) throw undeliverable(sender.failed);
      const failure = toModelFailure(watchdog.stalled ? new StreamStalledError(deps.streamIdleTimeoutMs) : err, deps.anthropicApiKey);
      if (ctx.cancellationSignal.aborted) {
        sender.abandon();
        // Reported as a cancellation (not a failure) so the workflow knows the stream stopped because it asked.
        throw ctx.cancellationSignal.reason;
      }
      if (toolCalls.length === 0) {
        sender.abandon();
        // Nothing of this attempt is kept, but what it streamed was paid for.
        await reportFailedAttempt(spend.estimate(assembler.usageSoFar));
        throw failure;
      }
      // Tool calls already went to the workflow and may be running: keep them and end the turn there.
      await sender.close().catch(() => undefined);
      const partial = partialTurn();
      return { ...commitPartialTurn(partial, costUsd(price, partial.usage), describe(failure)), requestHead };
    } finally {
      closeWindow();
      watchdog.stop();
      clearInterval(heartbeat);
      ctx.cancellationSignal.removeEventListener('abort', onCancel);
    }
  };
}

/** Heartbeat details are sent as they are (no claim check): a partial turn larger than this is left out. */
const maxHeartbeatDetailsBytes = 256 * 1024;

/** The request's messages: the stored conversation plus its pending messages, which are stored now; or, for calls scheduled before the store, the messages given. */
async function requestMessages(conversations: ConversationStore, input: ModelTurnInput): Promise<{ messages: MessageParam[]; requestHead?: string | null }> {
  if (!input.conversation) return { messages: input.messages ?? [] };
  const requestHead = await conversations.append(input.generationId, input.conversation.head, input.conversation.pending);
  return { messages: await conversations.read(input.generationId, requestHead), requestHead };
}

/** With the claim check off, a result above Temporal's limit would fail the workflow task over and over: say so instead. */
function checkedSize(limit: number | null | undefined, result: ModelTurnResult): ModelTurnResult {
  if (limit === null || limit === undefined) return result;
  const size = Buffer.byteLength(JSON.stringify(result));
  if (size <= limit) return result;
  throw ApplicationFailure.create({
    type: limitExceededType,
    nonRetryable: true,
    message: `The model turn's result (${formatBytes(size)}) is above Temporal's payload size limit of ${formatBytes(limit)} (TOOLSTREAM_PAYLOAD_LIMIT); turn the claim check on (TOOLSTREAM_CLAIM_CHECK=on) to carry it`,
  });
}

function isLimitExceeded(err: unknown): err is ApplicationFailure {
  return err instanceof ApplicationFailure && err.type === limitExceededType;
}

/** Progress could not reach the workflow: this attempt fails and a retry claims what did arrive. */
function undeliverable(err: unknown): ApplicationFailure {
  return ApplicationFailure.create({ type: ModelErrorType.incomplete, message: `Stream progress could not be delivered to the workflow: ${describe(err)}` });
}

function detectToolCall(tools: ToolRegistry, toolUse: CompletedToolUse): DetectedToolCall {
  const detectedAt = new Date().toISOString();
  const base = { id: toolUse.id, name: toolUse.name, input: toolUse.input, detectedAt, ...(toolUse.modelId !== undefined ? { modelToolUseId: toolUse.modelId } : {}) };
  if (toolUse.parseError !== null) {
    return { ...base, summary: toolUse.name, resourceKey: null, rejection: `Invalid input for ${toolUse.name}: ${toolUse.parseError}. The tool was not run.` };
  }
  const validation = tools.validate(toolUse.name, toolUse.input);
  if (!validation.ok) return { ...base, summary: toolUse.name, resourceKey: null, rejection: validation.error };
  return { ...base, input: validation.input, summary: validation.summary, resourceKey: validation.resourceKey, rejection: null };
}

function describe(failure: unknown): string {
  return failure instanceof Error ? failure.message : String(failure);
}
