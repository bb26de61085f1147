import type { GenerationInput } from './generation';
import { searchStatusOf } from './search-attributes';
import type { GenerationState } from './state';
import { describeActivity, formatStatusLine, statusFigures } from './status-line';
import { formatDuration, toolDurationMs, toolIcon } from './tool-row';

/**
 * What the Temporal Web UI shows of a generation: a one-line summary and static details set when the
 * workflow starts, and current details (markdown) the workflow keeps up to date as it runs. Pure, so
 * the API (at start) and the workflow (as it runs) format them alike.
 */

export const maxSummaryLength = 100;

/** The prompt's first line, cut to ~100 characters: what a row of the workflow list says. */
export function staticSummaryOf(prompt: string, followUp = false): string {
  const line = prompt.trim().split('\n', 1)[0] ?? '';
  const text = line.length > maxSummaryLength ? `${line.slice(0, maxSummaryLength - 1)}…` : line;
  return followUp ? `follow-up: ${text}` : text;
}

/** The start options that carry them; a follow-up run is summed up by its message. */
export function webUiMetadata(input: GenerationInput, followUp?: string): { staticSummary: string; staticDetails: string } {
  return { staticSummary: staticSummaryOf(followUp ?? input.prompt, followUp !== undefined), staticDetails: staticDetailsOf(input) };
}

/** Model, limits and tool policy: what a run was started with and will not change. */
export function staticDetailsOf(input: GenerationInput): string {
  const { options } = input;
  const retry = options.toolRetry;
  const rows: Array<[string, string]> = [
    ['generation', `\`${input.generationId}\``],
    ['model', `\`${input.model}\``],
    ['max iterations', String(input.maxIterations)],
    ['max tokens per turn', String(options.maxTokens)],
    ['tool dispatch', options.toolDispatch],
    ['tool attempts', `${retry.maximumAttempts} (backoff ${retry.initialIntervalMs} ms ×${retry.backoffCoefficient} up to ${retry.maximumIntervalMs} ms)`],
    ['on tool failure', options.toolDecisionTimeoutMs > 0 ? `ask (waits ${formatDuration(options.toolDecisionTimeoutMs)} for retry/skip)` : 'report to the model'],
    ['blocked timeout', formatDuration(options.blockedTimeoutMs)],
    ['continue-as-new after', `${options.continueAsNewAfterEvents} history events`],
  ];
  if (input.system) rows.push(['system prompt', `${Math.min(input.system.length, 2000)} characters`]);
  return ['**toolstream generation**', '', '| setting | value |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${escapeCell(v)} |`)].join('\n');
}

/** The tool table keeps the latest rows: details are shown on one page and sent with every describe. */
export const maxDetailRows = 40;

/** Status, iteration, tokens, cost, what the AI does, and a row per tool with its icon. */
export function currentDetailsOf(state: GenerationState, nowMs: number): string {
  const lines = [`**${searchStatusOf(state)}** · ${formatStatusLine(statusFigures(state, nowMs))}`];
  const doing = describeActivity(state.activity);
  if (doing) lines.push('', doing);
  if (state.error) lines.push('', `Error: ${escapeCell(firstLine(state.error))}`);
  if (state.blockedUntil) lines.push('', `Blocked until ${state.blockedUntil}: resume, send a message or cancel.`);
  if (state.tools.length > 0) {
    const shown = state.tools.slice(-maxDetailRows);
    lines.push('', '| | tool | iteration | attempts | time | result |', '| --- | --- | --- | --- | --- | --- |');
    if (shown.length < state.tools.length) lines.push(`| | … ${state.tools.length - shown.length} earlier tools | | | | |`);
    for (const tool of shown) {
      const duration = toolDurationMs(tool, nowMs);
      const outcome = tool.error ?? tool.resultPreview ?? '';
      lines.push(
        `| ${toolIcon(tool)} | ${escapeCell(tool.summary || tool.name)} | ${tool.iteration} | ${tool.attempts} | ${duration === null ? '' : formatDuration(duration)} | ${escapeCell(firstLine(outcome))} |`,
      );
    }
  }
  return lines.join('\n');
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
