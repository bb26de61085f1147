import { randomUUID } from 'node:crypto';
import { QueryRejectedError, WorkflowClient, WorkflowNotFoundError, type Connection } from '@temporalio/client';
import { transcriptQuery, type TranscriptSource } from '../shared/definitions';
import type { MessageParam } from '../shared/model-turn';
import { notFound } from './http-error';
import { temporalHttpError } from './temporal-errors';
import type { EventPage } from '../shared/event-log';
import { isLegacyResult, workflowIdFor, type GenerationInput, type GenerationOptions, type GenerationResult } from '../shared/generation';
import type { GenerationState } from '../shared/state';
import { searchAttributeRegistrations } from '../shared/search-attributes';
import type { GenerationListPage } from '../shared/generation-list';
import { listGenerations } from './generation-list';
import { GenerationReader, type GenerationReaderOptions } from './generation-reader';
import type { CreateGenerationBody } from './request-schemas';
import { ConversationStore } from '../storage/conversation-store';
import { EventLogArchive } from '../storage/event-log-archive';
import type { Storage } from '../storage/storage';

export interface GenerationServiceOptions {
  connection: Connection;
  storage: Storage;
  namespace: string;
  taskQueue: string;
  defaultModel: string;
  defaultMaxIterations: number;
  generationOptions: GenerationOptions;
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
  status: 'running';
  model: string;
}

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
    });
    this.conversations = new ConversationStore(options.storage.blobs);
    this.reader = new GenerationReader({
      ...options.reader,
      connection: options.connection,
      namespace: options.namespace,
      storage: options.storage,
      eventLogs: new EventLogArchive(options.storage.blobs),
      eventBufferSize: options.generationOptions.eventBufferSize,
    });
  }

  async create(body: CreateGenerationBody): Promise<CreatedGeneration> {
    const id = randomUUID();
    const input: GenerationInput = {
      generationId: id,
      prompt: body.prompt,
      model: body.model ?? this.options.defaultModel,
      maxIterations: body.maxIterations ?? this.options.defaultMaxIterations,
      system: body.system,
      ...(body.maxCostUsd !== undefined ? { maxCostUsd: body.maxCostUsd } : {}),
      options: { ...this.options.generationOptions, searchAttributes: await this.searchAttributesRegistered() },
    };
    const workflowId = workflowIdFor(id);
    await this.client.start('generationWorkflow', { taskQueue: this.options.taskQueue, workflowId, args: [input] });
    return { id, workflowId, status: 'running', model: input.model };
  }

  state(id: string): Promise<GenerationState> {
    return this.reader.state(id);
  }

  events(id: string, after: number, limit: number): Promise<EventPage> {
    return this.reader.events(id, after, limit);
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

  /** Newest first, from Temporal's visibility store. */
  list(rawQuery: unknown): Promise<GenerationListPage> {
    return listGenerations(this.options.connection, this.options.namespace, rawQuery);
  }

  /** Call when a new run takes over a generation's workflow id (a finished one continued), so reads see it at once. */
  invalidate(id: string): void {
    this.reader.invalidate(id);
  }
}
