import type { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import type { Scenario, ScriptedTurn } from '../../src/fake-anthropic';
import { workflowIdFor } from '../../src/shared/generation';
import { startWorkflowStreamsBaseline, type WorkflowStreamsBaseline } from '../baselines/workflow-streams/baseline';
import { clientAgent, pollGeneration } from '../lib/fanout-clients';
import type { BenchContext, BenchResults, HistoryComparison } from '../lib/results';
import { startStack, type BenchStack, type BenchTemporal } from '../lib/stack';
import { summarize } from '../lib/stats';

const batchMs = 100;
const pollMs = 100;
const subscribers = 10;
/** A typical streaming rate for Claude; events per generation scale with stream time, not tokens. */
const tokensPerSecond = 50;

interface Plan {
  /** Output tokens of text in each scenario (tool input JSON adds a little). */
  textTokens: number;
  textOnly: boolean;
  /** Also run (c) with a single subscriber: what it costs when a server fans one subscription out. */
  oneSubscriber: boolean;
}

const fullPlan: Plan = { textTokens: 1_000, textOnly: true, oneSubscriber: true };
const quickPlan: Plan = { textTokens: 300, textOnly: true, oneSubscriber: false };

const Scenarios = { text: 'history-text', tools: 'history-tools' } as const;
const toolsScenarioLabel = 'text with 3 tools (2 writes, 1 sleep 500 ms) then a closing turn';
const textScenarioLabel = 'text only, one turn';

export interface HistoryCount {
  events: number;
  bytes: number;
  runs: number;
  byType: Record<string, number>;
}

/**
 * History events per generation, ours against `@temporalio/workflow-streams` (baseline c) on the same
 * scenario at the same batch interval, each read by 10 clients: ours by 10 HTTP pollers of the API
 * (queries: no history), (c) by 10 subscribers long-polling with updates, as that library intends.
 */
export async function measureHistoryCost(temporal: BenchTemporal, ctx: BenchContext): Promise<Partial<BenchResults>> {
  const plan = ctx.quick ? quickPlan : fullPlan;
  const scenarios = historyScenarios(plan.textTokens);
  const ours = await runToolstream(temporal, scenarios, plan, ctx);
  const theirs = await runWorkflowStreams(temporal, scenarios, plan, ours.model, ctx);

  const tools = compare(toolsScenarioLabel, ours.tools, theirs.tools);
  const textOnly = ours.text && theirs.text ? compare(textScenarioLabel, ours.text, theirs.text) : undefined;
  return {
    historyEvents: {
      toolstream: tools.toolstream,
      workflowStreams: tools.workflowStreams,
      outputTokens: tools.outputTokens,
      batchMs,
      subscribers,
      toolstreamPer1kTokens: tools.toolstreamPer1kTokens,
      workflowStreamsPer1kTokens: tools.workflowStreamsPer1kTokens,
      scenario: tools.scenario,
      tokensPerSecond,
      toolstreamBytes: ours.tools.history.bytes,
      workflowStreamsBytes: theirs.tools.history.bytes,
      byType: { toolstream: ours.tools.history.byType, workflowStreams: theirs.tools.history.byType },
      ...(textOnly ? { textOnly } : {}),
      ...(theirs.oneSubscriber ? { workflowStreamsOneSubscriber: theirs.oneSubscriber.history.events } : {}),
      deliveryMs: {
        toolstream: summarize([...ours.tools.deliveryMs, ...(ours.text?.deliveryMs ?? [])]),
        workflowStreams: summarize([...theirs.tools.deliveryMs, ...(theirs.text?.deliveryMs ?? [])]),
      },
    },
  };
}

interface GenerationRun {
  history: HistoryCount;
  outputTokens: number;
  /** Text delta seen in the activity → a client read it, ms. */
  deliveryMs: number[];
}

async function runToolstream(
  temporal: BenchTemporal,
  scenarios: Record<string, Scenario>,
  plan: Plan,
  ctx: BenchContext,
): Promise<{ model: string; tools: GenerationRun; text?: GenerationRun }> {
  const stack = await startStack(temporal, scenarios, { TOOLSTREAM_TEXT_BATCH_MS: String(batchMs) });
  try {
    const tools = await runOurs(stack, temporal.env.client, Scenarios.tools);
    ctx.log(`history-cost: toolstream, tools: ${tools.history.events} events, ${tools.outputTokens} output tokens`);
    if (!plan.textOnly) return { model: stack.config.model, tools };
    const text = await runOurs(stack, temporal.env.client, Scenarios.text);
    ctx.log(`history-cost: toolstream, text only: ${text.history.events} events, ${text.outputTokens} output tokens`);
    return { model: stack.config.model, tools, text };
  } finally {
    await stack.close();
  }
}

async function runWorkflowStreams(
  temporal: BenchTemporal,
  scenarios: Record<string, Scenario>,
  plan: Plan,
  model: string,
  ctx: BenchContext,
): Promise<{ tools: GenerationRun; text?: GenerationRun; oneSubscriber?: GenerationRun }> {
  const client = temporal.env.client;
  const baseline = await startWorkflowStreamsBaseline(temporal, scenarios);
  try {
    const tools = await runTheirs(baseline, client, Scenarios.tools, model, subscribers);
    ctx.log(`history-cost: workflow-streams, tools: ${tools.history.events} events, ${tools.outputTokens} output tokens`);
    let text: GenerationRun | undefined;
    if (plan.textOnly) {
      text = await runTheirs(baseline, client, Scenarios.text, model, subscribers);
      ctx.log(`history-cost: workflow-streams, text only: ${text.history.events} events, ${text.outputTokens} output tokens`);
    }
    let oneSubscriber: GenerationRun | undefined;
    if (plan.oneSubscriber) {
      oneSubscriber = await runTheirs(baseline, client, Scenarios.tools, model, 1);
      ctx.log(`history-cost: workflow-streams, tools, 1 subscriber: ${oneSubscriber.history.events} events`);
    }
    return { tools, text, oneSubscriber };
  } finally {
    await baseline.close();
  }
}

function compare(scenario: string, ours: GenerationRun, theirs: GenerationRun): HistoryComparison {
  const per1k = (events: number, tokens: number): number => Math.round((events / tokens) * 1000 * 10) / 10;
  return {
    scenario,
    toolstream: ours.history.events,
    workflowStreams: theirs.history.events,
    outputTokens: ours.outputTokens,
    toolstreamPer1kTokens: per1k(ours.history.events, ours.outputTokens),
    workflowStreamsPer1kTokens: per1k(theirs.history.events, theirs.outputTokens),
  };
}

/** Text of about `tokens` tokens (the fake counts 4 characters a token). */
function filler(tokens: number, topic: string): string {
  const sentence = `Streaming ${topic} while the tools run in the background. `;
  return sentence.repeat(Math.ceil((tokens * 4) / sentence.length)).slice(0, tokens * 4);
}

export function historyScenarios(textTokens: number): Record<string, Scenario> {
  const part = (share: number): number => Math.round(textTokens * share);
  const toolTurn: ScriptedTurn = {
    steps: [
      { type: 'text', text: filler(part(0.25), 'the plan') },
      { type: 'tool_use', name: 'write_file', input: { path: 'notes.md', content: 'First notes.\n' } },
      { type: 'text', text: filler(part(0.25), 'the design') },
      { type: 'tool_use', name: 'sleep', input: { ms: 500 } },
      { type: 'text', text: filler(part(0.2), 'the code') },
      { type: 'tool_use', name: 'write_file', input: { path: 'src/app.ts', content: 'export const app = 1;\n' } },
      { type: 'text', text: filler(part(0.2), 'the tests') },
    ],
    tokensPerSecond,
  };
  return {
    [Scenarios.tools]: [toolTurn, { steps: [{ type: 'text', text: filler(part(0.1), 'the summary') }], tokensPerSecond }],
    [Scenarios.text]: [{ steps: [{ type: 'text', text: filler(textTokens, 'an answer') }], tokensPerSecond }],
  };
}

function promptFor(scenario: string): string {
  return `[[scenario:${scenario}]] Build something small.`;
}

async function runOurs(stack: BenchStack, client: Client, scenario: string): Promise<GenerationRun> {
  const created = await fetch(`${stack.url}/v1/generations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: promptFor(scenario) }),
  });
  if (created.status !== 201) throw new Error(`history-cost: create failed: ${created.status} ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  const agents = Array.from({ length: subscribers }, () => clientAgent());
  const deliveryMs: number[] = [];
  try {
    const deadline = Date.now() + 300_000;
    const pollers = await Promise.all(
      agents.map((agent) =>
        pollGeneration({
          url: stack.url,
          id,
          intervalMs: pollMs,
          deadline,
          startDelayMs: Math.random() * pollMs,
          agent,
          onTextDelta: (at, seenAt) => deliveryMs.push(seenAt - Date.parse(at)),
        }),
      ),
    );
    const errors = pollers.flatMap((p) => p.errorSamples);
    if (errors.length > 0) throw new Error(`history-cost: our pollers failed: ${errors.join('; ')}`);
  } finally {
    for (const agent of agents) agent.destroy();
  }
  const workflowId = workflowIdFor(id);
  await client.workflow.getHandle(workflowId).result();
  const state = (await (await fetch(`${stack.url}/v1/generations/${id}`)).json()) as { usage: { outputTokens: number } };
  const firstRunId = (await client.workflow.getHandle(workflowId).describe()).raw.workflowExecutionInfo?.firstRunId;
  if (!firstRunId) throw new Error(`history-cost: ${workflowId} has no first run id`);
  return { history: await countHistory(client, workflowId, firstRunId), outputTokens: state.usage.outputTokens, deliveryMs };
}

async function runTheirs(baseline: WorkflowStreamsBaseline, client: Client, scenario: string, model: string, subscriberCount: number): Promise<GenerationRun> {
  const run = await baseline.run(promptFor(scenario), { model, subscribers: subscriberCount, batchMs });
  const items = new Set(run.itemsPerSubscriber);
  if (items.size !== 1) throw new Error(`history-cost: workflow-streams subscribers read different item counts: ${run.itemsPerSubscriber.join(', ')}`);
  return { history: await countHistory(client, run.workflowId, run.firstRunId), outputTokens: run.result.outputTokens, deliveryMs: run.deliveryMs };
}

/** Every run of a workflow id from `firstRunId` along its continue-as-new chain. */
export async function countHistory(client: Client, workflowId: string, firstRunId: string): Promise<HistoryCount> {
  const count: HistoryCount = { events: 0, bytes: 0, runs: 0, byType: {} };
  let runId: string | undefined = firstRunId;
  while (runId) {
    const history: proto.api.history.v1.IHistory = await client.workflow.getHandle(workflowId, runId, { followRuns: false }).fetchHistory();
    const events: proto.api.history.v1.IHistoryEvent[] = history.events ?? [];
    count.runs++;
    count.events += events.length;
    count.bytes += proto.api.history.v1.History.encode(history).finish().length;
    for (const event of events) {
      const name = (proto.api.enums.v1.EventType[event.eventType ?? 0] ?? 'UNKNOWN').replace(/^EVENT_TYPE_/, '');
      count.byType[name] = (count.byType[name] ?? 0) + 1;
    }
    runId = events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return count;
}
