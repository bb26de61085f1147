import { randomUUID } from 'node:crypto';
import { QueryRejectedError, WorkflowClient, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type ClientInterceptors, type Connection } from '@temporalio/client';
import { transcriptQuery, type TranscriptSource } from '../shared/definitions';
import type { MessageParam } from '../shared/model-turn';
import { HttpError, notFound } from './http-error';
import { findPrice, type PriceTable } from '../shared/pricing';
import { idempotencyConflict, requestHash, requestHashMemo } from './idempotency';
import { temporalHttpError } from './temporal-errors';
import type { EventPage } from '../shared/event-log';
import { isLegacyResult, workflowIdFor, type GenerationInput, type GenerationOptions, type GenerationResult } from '../shared/generation';
import type { GenerationState } from '../shared/state';
import { searchAttributeRegistrations } from '../shared/search-attributes';
import { webUiMetadata } from '../shared/web-ui-details';
import type { GenerationListPage } from '../shared/generation-list';
import { listGenerations } from './generation-list';
import { GenerationReader, type GenerationReaderOptions } from './generation-reader';
import type { CreateGenerationBody } from './request-schemas';
import { toolPolicyFor } from './tool-policy-request';
import { createToolCatalog } from '../tools/tool-catalog';

const allToolNames = createToolCatalog({ testTools: true }).names();
import { ConversationStore } from '../storage/conversation-store';
import { EventLogArchive } from '../storage/event-log-archive';
import type { Storage } from '../storage/storage';

export interface GenerationServiceOptions {
  connection: Connection;
  /** Client interceptors for starting generations (tracing). */
  interceptors?: ClientInterceptors;
  storage: Storage;
  namespace: string;
  taskQueue: string;
  defaultModel: string;
  defaultMaxIterations: number;
  generationOptions: GenerationOptions;
  /** The tools the workers offer: what a tool policy may name (default: every tool, the test tools included). */
  toolNames?: readonly string[];
  /** To warn, at start, about a model whose cost will be unknown. */
  prices?: PriceTable;
  /** POST answers 429 while this many generations run on the task queue (TOOLSTREAM_MAX_ACTIVE_GENERATIONS). */
  maxActiveGenerations?: number;
  /** Tuning of the read path (refresh TTL, eviction, retries); the defaults suit a server. */
  reader?: Omit<GenerationReaderOptions, 'connection' | 'namespace' | 'eventBufferSize' | 'storage' | 'eventLogs'>;
}

export interface TranscriptPage {
  generationId: string;
  /** Messages in the whole conversation. */
  total: number;
  offset: number;
  messages: MessageParam[];
  /** Where the next page starts; null on the last one. */
  nextOffset: number | null;
}

/** A page of the transcript stops before this many bytes of JSON (but holds at least one message). */
const maxTranscriptPageBytes = 4 * 1024 * 1024;

export interface CreatedGeneration {
  id: string;
  workflowId: string;
  /** 'running' when just started; a generation found again by its Idempotency-Key shows its current status. */
  status: string;
  model: string;
  /** E.g. that no price is known for the model, so its costUsd will be null. */
  warnings?: string[];
}

export interface CreateOutcome {
  generation: CreatedGeneration;
  /** False when an Idempotency-Key named a generation that already existed (same body): nothing new started. */
  started: boolean;
}

/** How long a client refused for the active-generation limit is told to wait. */
export const activeLimitRetryAfterSeconds = 5;

/**
 * The server's view of generations: starts them, and reads them through a GenerationReader, which
 * coalesces every poller of a generation into a few queries to Temporal.
 */
export class GenerationService {
  readonly reader: GenerationReader;
  private readonly client: WorkflowClient;
  private readonly conversations: ConversationStore;
  private registered: Promise<boolean> | undefined;

  constructor(private readonly options: GenerationServiceOptions) {
    // Queries on closed workflows are rejected rather than replayed: their result says where the conversation is.
    this.client = new WorkflowClient({
      connection: options.connection,
      namespace: options.namespace,
      dataConverter: options.storage.dataConverter,
      queryRejectCondition: 'NOT_OPEN',
      interceptors: options.interceptors?.workflow,
    });
    this.conversations = new ConversationStore(options.storage.blobs);
    this.reader = new GenerationReader({
      // Another API instance may continue a finished generation (a follow-up): a read of a closed run checks
      // (one describe, shared by concurrent reads) that no newer run took over, so it is never shown finished.
      closedRecheckMs: 0,
      ...options.reader,
      connection: options.connection,
      namespace: options.namespace,
      storage: options.storage,
      eventLogs: new EventLogArchive(options.storage.blobs),
      eventBufferSize: options.generationOptions.eventBufferSize,
    });
  }

  /** Cancels the reads in flight to Temporal and waits for them; call it after the HTTP server drained. */
  close(): Promise<void> {
    return this.reader.close();
  }

  /**
   * Starts a generation. With `generationId` (from an Idempotency-Key) an existing generation of that
   * id is answered instead, when it was started with the same body, and a different body is a 409.
   */
  async create(body: CreateGenerationBody, generationId?: string): Promise<CreateOutcome> {
    const hash = requestHash(body);
    if (generationId !== undefined) {
      const existing = await this.findExisting(generationId, hash);
      if (existing) return { generation: existing, started: false };
    }
    const model = body.model ?? this.options.defaultModel;
    if (body.maxCostUsd !== undefined && this.options.prices && !findPrice(this.options.prices, model)) {
      throw new HttpError(400, 'invalid_request', `maxCostUsd needs a model with a known price, and none is known for ${model} (add it with TOOLSTREAM_PRICES_FILE)`);
    }
    await this.checkActiveLimit();
    const toolPolicy = toolPolicyFor(body, this.options.generationOptions.toolDecisionTimeoutMs, this.options.toolNames ?? allToolNames);
    const id = generationId ?? randomUUID();
    const input: GenerationInput = {
      generationId: id,
      prompt: body.prompt,
      model,
      maxIterations: body.maxIterations ?? this.options.defaultMaxIterations,
      system: body.system,
      ...(body.maxCostUsd !== undefined ? { maxCostUsd: body.maxCostUsd } : {}),
      options: {
        ...this.options.generationOptions,
        // The scheduler's decision window is the policy's: none with `report`.
        toolDecisionTimeoutMs: toolPolicy.toolDecisionTimeoutMs,
        toolPolicy,
        searchAttributes: await this.searchAttributesRegistered(),
      },
    };
    const workflowId = workflowIdFor(id);
    try {
      await this.client.start('generationWorkflow', {
        taskQueue: this.options.taskQueue,
        workflowId,
        args: [input],
        ...webUiMetadata(input),
        memo: { [requestHashMemo]: hash },
        // A keyed id is never started twice, not even after the first run finished.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (err) {
      // Two instances raced on the same key: the loser answers what the winner started.
      if (err instanceof WorkflowExecutionAlreadyStartedError && generationId !== undefined) {
        const existing = await this.findExisting(generationId, hash);
        if (existing) return { generation: existing, started: false };
      }
      throw temporalHttpError(err) ?? err;
    }
    const generation: CreatedGeneration = { id, workflowId, status: 'running', model: input.model };
    if (this.options.prices && !findPrice(this.options.prices, input.model)) {
      generation.warnings = [`No price is known for model ${input.model}: costUsd will be null (unknown). Add it with TOOLSTREAM_PRICES_FILE.`];
    }
    return { generation, started: true };
  }

  /** The generation `id` if it exists and was started with the body of hash `hash`; a 409 if with another body. */
  private async findExisting(id: string, hash: string): Promise<CreatedGeneration | undefined> {
    const workflowId = workflowIdFor(id);
    let description;
    try {
      description = await this.client.getHandle(workflowId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw temporalHttpError(err) ?? err;
    }
    let memo = description.memo;
    // A follow-up continues as new, and the newer run need not carry the memo: the first run does.
    const firstRunId = description.raw.workflowExecutionInfo?.firstRunId;
    if (memo?.[requestHashMemo] === undefined && firstRunId && firstRunId !== description.runId) {
      memo = (await this.client.getHandle(workflowId, firstRunId).describe()).memo;
    }
    if (memo?.[requestHashMemo] !== hash) throw idempotencyConflict();
    const state = await this.reader.state(id);
    return { id, workflowId, status: state.status, model: state.model };
  }

  /**
   * Above TOOLSTREAM_MAX_ACTIVE_GENERATIONS a new generation is refused with 429. The count is
   * Temporal's (visibility), so every API instance enforces one shared limit, at the price of
   * visibility's lag of about a second: a burst can overshoot by the generations started within it.
   */
  private async checkActiveLimit(): Promise<void> {
    const max = this.options.maxActiveGenerations;
    if (max === undefined) return;
    const active = await this.countActive();
    if (active >= max) {
      throw new HttpError(429, 'too_many_active_generations', `${active} generations are running; the limit is ${max}. Try again later.`, { active, limit: max }, {
        'retry-after': String(activeLimitRetryAfterSeconds),
      });
    }
  }

  /** Running generations on this task queue, from Temporal's visibility. */
  async countActive(): Promise<number> {
    const queue = this.options.taskQueue.replace(/'/g, "\\'");
    try {
      const { count } = await this.client.count(`WorkflowType = 'generationWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = '${queue}'`);
      return count;
    } catch (err) {
      throw temporalHttpError(err) ?? err;
    }
  }

  state(id: string): Promise<GenerationState> {
    return this.reader.state(id);
  }

  events(id: string, after: number, limit: number): Promise<EventPage> {
    return this.reader.events(id, after, limit);
  }

  /** The reader's mirrored page, no refresh (see GenerationReader.mirroredEvents). */
  mirroredEvents(id: string, after: number, limit: number): EventPage | undefined {
    return this.reader.mirroredEvents(id, after, limit);
  }

  /**
   * The messages exactly as sent to the model (the last answer included once the generation is
   * finished), a page at a time: a conversation can be many megabytes.
   */
  async transcript(id: string, offset: number, limit: number): Promise<TranscriptPage> {
    const source = await this.transcriptSource(id);
    const messages = 'messages' in source ? source.messages : await this.conversations.read(id, source.head);
    const page: MessageParam[] = [];
    let bytes = 0;
    for (const message of messages.slice(offset, offset + limit)) {
      bytes += JSON.stringify(message).length;
      if (page.length > 0 && bytes > maxTranscriptPageBytes) break;
      page.push(message);
    }
    const next = offset + page.length;
    return { generationId: id, total: messages.length, offset, messages: page, nextOffset: next < messages.length ? next : null };
  }

  private async transcriptSource(id: string): Promise<TranscriptSource> {
    const handle = this.client.getHandle(workflowIdFor(id));
    try {
      return await handle.query(transcriptQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(`Generation ${id}`);
      if (!(err instanceof QueryRejectedError)) throw temporalHttpError(err) ?? err;
    }
    try {
      const result = (await handle.result()) as GenerationResult;
      return isLegacyResult(result) ? { messages: result.messages } : { head: result.transcript.head };
    } catch (err) {
      throw temporalHttpError(err) ?? err;
    }
  }

  /**
   * Whether the namespace knows our search attributes (checked once per process): on a cluster where
   * nobody registered them, an upsert would fail every workflow task, so generations go without.
   */
  private searchAttributesRegistered(): Promise<boolean> {
    this.registered ??= this.options.connection.operatorService
      .listSearchAttributes({ namespace: this.options.namespace })
      .then((answer) => searchAttributeRegistrations.every(([name]) => name in (answer.customAttributes ?? {})))
      .catch(() => false);
    return this.registered;
  }

  /** What Idempotency-Keys are scoped to: the task queue, i.e. one deployment. */
  get scope(): string {
    return `${this.options.namespace}/${this.options.taskQueue}`;
  }

  /** Newest first, from Temporal's visibility store. */
  list(rawQuery: unknown): Promise<GenerationListPage> {
    return listGenerations(this.options.connection, this.options.namespace, rawQuery);
  }

  /** Call when a new run takes over a generation's workflow id (a finished one continued), so reads see it at once. */
  invalidate(id: string): void {
    this.reader.invalidate(id);
  }
}
