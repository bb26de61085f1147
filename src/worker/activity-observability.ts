import { CancelledFailure, type MetricMeter } from '@temporalio/common';
import { isAbortError } from '@temporalio/common/lib/type-helpers';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { ModelTurnResult, ToolRunInput } from '../shared/model-turn';

/** The worker's own metrics, made once per meter (the runtime's, which the Prometheus endpoint serves). */
class WorkerMetrics {
  readonly toolDispatch;
  readonly toolRuns;
  readonly modelTurns;
  readonly tokens;
  readonly costMicroUsd;

  constructor(meter: MetricMeter) {
    this.toolDispatch = meter.createHistogram(
      'toolstream_tool_dispatch_latency',
      'int',
      'ms',
      'From the workflow scheduling a tool to a worker starting it (schedule-to-start of the attempt)',
    );
    this.toolRuns = meter.createCounter('toolstream_tool_runs', '1', 'Tool attempts by tool and outcome (ok, failed, cancelled)');
    this.modelTurns = meter.createCounter('toolstream_model_turns', '1', 'Model turn attempts by outcome (completed, interrupted, failed, cancelled)');
    this.tokens = meter.createCounter('toolstream_model_tokens', '1', 'Tokens of model turns by kind (input, output, cache_read, cache_write)');
    this.costMicroUsd = meter.createCounter('toolstream_model_cost_micro_usd', '1', 'Cost of model turns, millionths of a US dollar (models with a known price)');
  }
}

const byMeter = new WeakMap<MetricMeter, WorkerMetrics>();
function metricsOf(meter: MetricMeter): WorkerMetrics {
  let metrics = byMeter.get(meter);
  if (!metrics) byMeter.set(meter, (metrics = new WorkerMetrics(meter)));
  return metrics;
}

function modelOf(input: unknown): string | undefined {
  const model = (input as { model?: unknown } | undefined)?.model;
  return typeof model === 'string' ? model : undefined;
}

function outcomeOf(err: unknown): 'cancelled' | 'failed' {
  return err instanceof CancelledFailure || isAbortError(err) ? 'cancelled' : 'failed';
}

/**
 * Per activity: metrics on the SDK's metric meter (so they appear on the worker's Prometheus endpoint
 * next to Temporal's own), and the generation and tool_use ids on every activity log line.
 */
export const activityObservability: ActivityInterceptorsFactory = (ctx) => {
  const ids: Record<string, unknown> = {};
  const { activityType } = ctx.info;
  return {
    inbound: {
      async execute(input, next) {
        const first = input.args[0] as Partial<ToolRunInput> | undefined;
        if (typeof first?.generationId === 'string') ids.generationId = first.generationId;
        if (typeof first?.toolUseId === 'string') ids.toolUseId = first.toolUseId;
        const metrics = metricsOf(ctx.metricMeter);
        if (activityType === 'runTool') {
          const tool = typeof first?.name === 'string' ? first.name : 'unknown';
          metrics.toolDispatch.record(Math.max(0, Date.now() - ctx.info.currentAttemptScheduledTimestampMs), { tool });
          try {
            const result = await next(input);
            metrics.toolRuns.add(1, { tool, outcome: 'ok' });
            return result;
          } catch (err) {
            metrics.toolRuns.add(1, { tool, outcome: outcomeOf(err) });
            throw err;
          }
        }
        if (activityType === 'streamModelTurn') {
          try {
            const result = (await next(input)) as ModelTurnResult;
            metrics.modelTurns.add(1, { outcome: result.interruption ? 'interrupted' : 'completed' });
            const { usage } = result;
            metrics.tokens.add(usage.inputTokens, { kind: 'input' });
            metrics.tokens.add(usage.outputTokens, { kind: 'output' });
            metrics.tokens.add(usage.cacheReadInputTokens, { kind: 'cache_read' });
            metrics.tokens.add(usage.cacheCreationInputTokens, { kind: 'cache_write' });
            if (typeof result.costUsd === 'number') metrics.costMicroUsd.add(Math.round(result.costUsd * 1e6));
            else ctx.log.warn('No price is known for this model: the turn\'s cost is unknown (costUsd null). Add it with TOOLSTREAM_PRICES_FILE.', { model: modelOf(input.args[0]) });
            return result;
          } catch (err) {
            metrics.modelTurns.add(1, { outcome: outcomeOf(err) });
            throw err;
          }
        }
        return next(input);
      },
    },
    outbound: {
      getLogAttributes(input, next) {
        return next({ ...input, ...ids });
      },
    },
  };
};
