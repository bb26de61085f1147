import type Anthropic from '@anthropic-ai/sdk';
import type { ContentBlockParam } from '../../shared/model-turn';
import { zeroUsage, type Usage } from '../../shared/usage';

type RawEvent = Anthropic.Messages.RawMessageStreamEvent;

/** A client `tool_use` block whose `content_block_stop` arrived. */
export interface CompletedToolUse {
  id: string;
  name: string;
  /** The parsed input; `{}` when the JSON did not parse. */
  input: Record<string, unknown>;
  /** Why the streamed JSON was unusable, or null. */
  parseError: string | null;
  rawJson: string;
  /** Set when the response repeated this id: the id the model gave (`id` is the call's own). */
  modelId?: string;
}

export interface AssemblerListener {
  onText(text: string): void;
  /** A thinking_delta's text: shown live; the block itself (with its signature) stays in `content`. */
  onThinking?(text: string): void;
  onToolUse(toolUse: CompletedToolUse): void;
  onBlockStart(blockType: string): void;
  /** message_start and every message_delta: the turn's usage so far. */
  onUsage?(usage: Usage): void;
}

export interface AssembledTurn {
  /** Completed blocks as they go back to the API; blocks cut off before their stop are left out. */
  content: ContentBlockParam[];
  stopReason: string | null;
  usage: Usage;
  text: string;
  toolUses: CompletedToolUse[];
  sawMessageStop: boolean;
}

interface OpenBlock {
  block: Record<string, unknown> & { type: string };
  json: string;
  stopped: boolean;
}

/**
 * Rebuilds the assistant message from raw stream events, one `switch` over their types. Unlike the
 * SDK's MessageStream it never throws on a tool's malformed input JSON: that call is reported with
 * a parse error and the stream goes on. Client tool calls are reported the moment their block stops.
 */
export class StreamAssembler {
  private readonly blocks = new Map<number, OpenBlock>();
  private readonly toolUses: CompletedToolUse[] = [];
  private readonly toolUseIds = new Set<string>();
  private usage: Usage = zeroUsage;
  private stopReason: string | null = null;
  private text = '';
  private sawMessageStop = false;

  constructor(private readonly listener: AssemblerListener) {}

  /** Usage as reported so far (output tokens arrive with message_delta, usually at the end). */
  get usageSoFar(): Usage {
    return this.usage;
  }

  handle(event: RawEvent): void {
    switch (event.type) {
      case 'message_start':
        this.usage = mergeUsage(zeroUsage, event.message.usage);
        this.listener.onUsage?.(this.usage);
        break;
      case 'content_block_start':
        this.blocks.set(event.index, { block: { ...(event.content_block as unknown as OpenBlock['block']) }, json: '', stopped: false });
        this.listener.onBlockStart(event.content_block.type);
        break;
      case 'content_block_delta':
        this.applyDelta(event.index, event.delta);
        break;
      case 'content_block_stop':
        this.stopBlock(event.index);
        break;
      case 'message_delta':
        this.stopReason = event.delta.stop_reason ?? this.stopReason;
        this.usage = mergeUsage(this.usage, event.usage);
        this.listener.onUsage?.(this.usage);
        break;
      case 'message_stop':
        this.sawMessageStop = true;
        break;
      default:
        // Event types newer than this code carry nothing we must act on.
        break;
    }
  }

  /**
   * `includeOpenText` keeps a text block the stream never closed: text is valid as far as it got,
   * unlike a tool call or a thinking block (whose signature comes last).
   */
  result(options: { includeOpenText?: boolean } = {}): AssembledTurn {
    const content = [...this.blocks.entries()]
      .sort(([a], [b]) => a - b)
      .filter(([, open]) => (open.stopped || (options.includeOpenText === true && open.block.type === 'text')) && !isBlankText(open.block))
      .map(([, open]) => structuredClone(open.block) as unknown as ContentBlockParam);
    return {
      content,
      stopReason: this.stopReason,
      usage: this.usage,
      text: this.text,
      toolUses: [...this.toolUses],
      sawMessageStop: this.sawMessageStop,
    };
  }

  private applyDelta(index: number, delta: Anthropic.Messages.RawContentBlockDelta): void {
    const open = this.blocks.get(index);
    if (!open) return;
    const block = open.block;
    switch (delta.type) {
      case 'text_delta':
        block.text = String(block.text ?? '') + delta.text;
        this.text += delta.text;
        this.listener.onText(delta.text);
        break;
      case 'input_json_delta':
        open.json += delta.partial_json;
        break;
      case 'thinking_delta':
        block.thinking = String(block.thinking ?? '') + delta.thinking;
        this.listener.onThinking?.(delta.thinking);
        break;
      case 'signature_delta':
        block.signature = delta.signature;
        break;
      case 'citations_delta':
        block.citations = [...(Array.isArray(block.citations) ? block.citations : []), delta.citation];
        break;
      default:
        break;
    }
  }

  private stopBlock(index: number): void {
    const open = this.blocks.get(index);
    if (!open || open.stopped) return;
    open.stopped = true;
    const block = open.block;
    if (block.type !== 'tool_use' && block.type !== 'server_tool_use') return;
    const parsed = parseToolInput(open.json);
    block.input = parsed.input;
    if (block.type === 'server_tool_use') return;
    // Some proxies repeat a tool_use id within one response: the API would refuse the conversation, and
    // the two calls would pass for one. The repeat gets an id of its own, in the content as well.
    const modelId = String(block.id);
    let id = modelId;
    for (let n = 2; this.toolUseIds.has(id); n++) id = `${modelId}_${n}`;
    this.toolUseIds.add(id);
    block.id = id;
    const toolUse: CompletedToolUse = {
      ...(id !== modelId ? { modelId } : {}),
      id,
      name: String(block.name),
      input: parsed.input,
      parseError: parsed.error,
      rawJson: open.json,
    };
    this.toolUses.push(toolUse);
    this.listener.onToolUse(toolUse);
  }
}

/** An empty input streams no `input_json_delta` at all; the start block's `{}` then stands. */
function parseToolInput(json: string): { input: Record<string, unknown>; error: string | null } {
  if (json.trim() === '') return { input: {}, error: null };
  try {
    const value: unknown = JSON.parse(json);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { input: {}, error: `tool input must be a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}` };
    }
    return { input: value as Record<string, unknown>, error: null };
  } catch (err) {
    return { input: {}, error: `tool input is not valid JSON (${(err as Error).message})` };
  }
}

/** The API refuses empty text blocks in a request, and a stream may open one and say nothing. */
function isBlankText(block: OpenBlock['block']): boolean {
  return block.type === 'text' && String(block.text ?? '').trim() === '';
}

type WireUsage = Partial<Record<'input_tokens' | 'output_tokens' | 'cache_read_input_tokens' | 'cache_creation_input_tokens', number | null>>;

/** message_delta usage is cumulative and may omit fields: a present number replaces, a missing one keeps. */
function mergeUsage(base: Usage, wire: WireUsage | null | undefined): Usage {
  if (!wire) return base;
  return {
    inputTokens: wire.input_tokens ?? base.inputTokens,
    outputTokens: wire.output_tokens ?? base.outputTokens,
    cacheReadInputTokens: wire.cache_read_input_tokens ?? base.cacheReadInputTokens,
    cacheCreationInputTokens: wire.cache_creation_input_tokens ?? base.cacheCreationInputTokens,
  };
}
