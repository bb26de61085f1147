// Public types of the scripted fake Anthropic Messages API.
// A test or demo describes each assistant turn as a list of steps; the server turns
// those steps into the exact SSE frames the real API would send.

/**
 * The request body as the fake receives it. Deliberately loose: the fake must accept
 * anything the real SDK may send, and only looks at a few fields.
 */
export interface MessagesRequestBody {
  model: string;
  max_tokens: number;
  messages: RequestMessage[];
  stream?: boolean;
  system?: unknown;
  tools?: unknown[];
  [key: string]: unknown;
}

export interface RequestMessage {
  role: 'user' | 'assistant';
  content: string | RequestContentBlock[];
}

export interface RequestContentBlock {
  type: string;
  text?: string;
  [key: string]: unknown;
}

export type ScriptStep =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | {
      type: 'tool_use';
      id?: string;
      name: string;
      /** Undefined with no rawJson: the block carries no input_json_delta at all (empty input). */
      input?: unknown;
      /** Sent verbatim instead of JSON.stringify(input), so tests can feed malformed JSON. */
      rawJson?: string;
      /** Stop inside this block (no content_block_stop) and finish as if max_tokens was hit. */
      cut?: boolean;
    }
  | { type: 'server_tool_use'; id?: string; name: string; input: unknown }
  | { type: 'web_search_tool_result'; toolUseId: string; content: unknown }
  /**
   * A `message_delta` with no stop reason and the usage so far (the real API may send more than one):
   * output tokens of what was emitted, never above the scripted total. Ignored by non-streaming responses.
   */
  | { type: 'usage' }
  /** Silence between steps; pings still flow so the client sees a live connection. */
  | { type: 'pause'; ms: number }
  /** Mid-stream SSE `error` event, then the response ends. */
  | { type: 'error'; errorType?: string; message?: string }
  /** Destroy the socket abruptly, as a dropped connection would. */
  | { type: 'disconnect' }
  /** Send nothing more, keeping the socket open until the client aborts or the server closes. */
  | { type: 'stall' };

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'pause_turn' | 'stop_sequence';

export interface TurnUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
}

export interface HttpErrorSpec {
  status: number;
  errorType: string;
  message: string;
  retryAfterSeconds?: number;
}

export interface ScriptedTurn {
  steps: ScriptStep[];
  /** Explicit value always wins; otherwise derived from the steps (see turn-defaults.ts). */
  stopReason?: StopReason;
  usage?: TurnUsage;
  /** Pacing of deltas; undefined/Infinity streams as fast as the socket allows. */
  tokensPerSecond?: number;
  /** Characters per text/thinking delta; default 4, roughly one token. */
  chunkChars?: number;
  /** How input_json_delta is split: fixed size, or 1..12 chars from a seeded PRNG (default). */
  jsonChunking?: 'random' | number;
  /** Respond with this HTTP error instead of a stream. */
  httpError?: HttpErrorSpec;
  /** Write the body in 1-3 byte socket writes so frames and UTF-8 sequences straddle packets. */
  byteSplit?: boolean;
}

export interface ScenarioContext {
  /** Assistant messages already in request.messages, so a retried call replays the same turn. */
  turn: number;
  /** Requests this scenario has received before this one (0-based). */
  callIndex: number;
}

export type ScenarioFunction = (request: MessagesRequestBody, ctx: ScenarioContext) => ScriptedTurn;

export type Scenario = ScriptedTurn[] | ScenarioFunction;

export interface FakeAnthropicOptions {
  scenarios?: Record<string, Scenario>;
  defaultScenario?: Scenario;
  host?: string;
  port?: number;
  /** When set, requests must carry this key (x-api-key or Authorization: Bearer) or get 401 authentication_error. */
  apiKey?: string;
  /**
   * Which request bodies `requests` keeps. 'all' (default): every one. 'last': only the latest
   * request of each scenario keeps its body; earlier ones keep their other fields, and their body
   * loses its messages (`bodyDropped` is set). For long runs whose requests are many megabytes each:
   * a scenario function still sees every request whole.
   */
  keepRequestBodies?: 'all' | 'last';
}

export interface RecordedRequest {
  at: number;
  /** Scenario name from the [[scenario:NAME]] tag, or DEFAULT_SCENARIO_NAME. */
  scenario: string;
  turn: number;
  body: MessagesRequestBody;
  headers: Record<string, string | string[] | undefined>;
  /** Set when `keepRequestBodies: 'last'` dropped this body's messages (a later request of its scenario came). */
  bodyDropped?: true;
}

export interface RecordedBlockStop {
  index: number;
  type: string;
  at: number;
}

export interface RecordedResponse {
  scenario: string;
  turn: number;
  /** HTTP status sent: 200 for streams and messages, the scripted status for httpError turns. */
  status: number;
  startedAt: number;
  /** Date.now() right after message_stop was written; unset if the stream never completed. */
  endedAt?: number;
  /** Date.now() when the connection closed, by either side: tells when a client gave up on a stream. */
  closedAt?: number;
  blockStops: RecordedBlockStop[];
}

export interface FakeAnthropicServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  responses: RecordedResponse[];
  close(): Promise<void>;
}
