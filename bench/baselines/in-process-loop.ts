import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Anthropic from '@anthropic-ai/sdk';
import { StreamAssembler, type CompletedToolUse } from '../../src/activities/model/stream-assembler';
import type { MessageParam } from '../../src/shared/model-turn';
import { createToolRegistry, type ToolRegistry } from '../../src/tools';

/** One tool call as the in-process loop ran it. Times are Date.now() ms; the latency is from the monotonic clock. */
export interface InProcessTool {
  id: string;
  name: string;
  summary: string;
  /** The assembler reported the block's content_block_stop. */
  blockStopSeenAt: number;
  startedAt: number;
  endedAt: number;
  /** Block stop seen → the tool's code starting, in ms (sub-millisecond resolution). */
  dispatchLatencyMs: number;
  error?: string;
}

export interface InProcessRun {
  startedAt: number;
  endedAt: number;
  tools: InProcessTool[];
  /** Each model call: request sent → message_stop seen. */
  turns: { startedAt: number; endedAt: number; stopReason: string | null }[];
}

export interface InProcessOptions {
  /** The fake model's URL (or any Messages API). */
  baseUrl: string;
  prompt: string;
  model?: string;
  maxIterations?: number;
}

/**
 * Baseline (a), the physical floor: the same agent loop with no Temporal. It streams through the real
 * SDK into our StreamAssembler and runs each tool through our registry the moment its block stops, in
 * this process, chaining calls on the same resource as the workflow does. Whatever our durable version
 * adds to its numbers is the price of Temporal (signals, workflow tasks, activity dispatch).
 */
export async function runInProcessLoop(options: InProcessOptions): Promise<InProcessRun> {
  const anthropic = new Anthropic({ apiKey: 'sk-ant-bench-not-secret', baseURL: options.baseUrl, maxRetries: 0 });
  const tools = createToolRegistry({ testTools: true });
  const workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolstream-inprocess-'));
  const run: InProcessRun = { startedAt: Date.now(), endedAt: 0, tools: [], turns: [] };
  const messages: MessageParam[] = [{ role: 'user', content: options.prompt }];
  try {
    for (let iteration = 1; iteration <= (options.maxIterations ?? 25); iteration++) {
      const dispatcher = new ToolDispatcher(tools, workspaceDir, run.tools);
      const turnStartedAt = Date.now();
      const assembler = new StreamAssembler({ onText: () => undefined, onBlockStart: () => undefined, onToolUse: (toolUse) => dispatcher.dispatch(toolUse) });
      const stream = await anthropic.messages.create({
        model: options.model ?? 'claude-sonnet-5-5',
        max_tokens: 16_000,
        messages,
        tools: tools.anthropicTools(),
        stream: true,
      });
      for await (const event of stream) assembler.handle(event);
      const turn = assembler.result();
      run.turns.push({ startedAt: turnStartedAt, endedAt: Date.now(), stopReason: turn.stopReason });
      messages.push({ role: 'assistant', content: turn.content });
      if (turn.toolUses.length === 0) break;
      messages.push({ role: 'user', content: await dispatcher.results(turn.toolUses) });
    }
    run.endedAt = Date.now();
    return run;
  } finally {
    fs.rmSync(workspaceDir, { recursive: true, force: true });
  }
}

type ToolResult = { type: 'tool_result'; tool_use_id: string; content: string; is_error?: boolean };

/** Starts each call synchronously inside onToolUse; same-resource calls wait for their predecessor. */
class ToolDispatcher {
  private readonly running = new Map<string, Promise<ToolResult>>();
  private readonly resourceTails = new Map<string, Promise<unknown>>();

  constructor(
    private readonly tools: ToolRegistry,
    private readonly workspaceDir: string,
    private readonly record: InProcessTool[],
  ) {}

  dispatch(toolUse: CompletedToolUse): void {
    const seen = performance.now();
    const seenAt = Date.now();
    const validation = toolUse.parseError === null ? this.tools.validate(toolUse.name, toolUse.input) : { ok: false as const, error: toolUse.parseError };
    if (!validation.ok) {
      this.running.set(toolUse.id, Promise.resolve({ type: 'tool_result', tool_use_id: toolUse.id, content: validation.error, is_error: true }));
      return;
    }
    const entry: InProcessTool = { id: toolUse.id, name: toolUse.name, summary: validation.summary, blockStopSeenAt: seenAt, startedAt: 0, endedAt: 0, dispatchLatencyMs: 0 };
    this.record.push(entry);
    const execute = async (): Promise<ToolResult> => {
      entry.dispatchLatencyMs = performance.now() - seen;
      entry.startedAt = Date.now();
      try {
        const output = await this.tools.execute(toolUse.name, toolUse.input, {
          workspaceDir: this.workspaceDir,
          signal: new AbortController().signal,
          heartbeat: () => undefined,
          maxFileBytes: 1024 * 1024,
          idempotencyKey: toolUse.id,
          attempt: 1,
        });
        return { type: 'tool_result', tool_use_id: toolUse.id, content: output };
      } catch (err) {
        entry.error = (err as Error).message;
        return { type: 'tool_result', tool_use_id: toolUse.id, content: entry.error, is_error: true };
      } finally {
        entry.endedAt = Date.now();
      }
    };
    const predecessor = validation.resourceKey === null ? undefined : this.resourceTails.get(validation.resourceKey);
    const result = predecessor ? predecessor.then(execute) : execute();
    this.running.set(toolUse.id, result);
    if (validation.resourceKey !== null) this.resourceTails.set(validation.resourceKey, result);
  }

  async results(toolUses: readonly CompletedToolUse[]): Promise<ToolResult[]> {
    return Promise.all(toolUses.map((toolUse) => this.running.get(toolUse.id) ?? Promise.resolve(missing(toolUse.id))));
  }
}

function missing(id: string): ToolResult {
  return { type: 'tool_result', tool_use_id: id, content: 'Tool call was never dispatched.', is_error: true };
}
