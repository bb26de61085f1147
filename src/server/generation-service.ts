import { randomUUID } from 'node:crypto';
import { QueryRejectedError, WorkflowClient, WorkflowNotFoundError, type Connection, type WorkflowHandle } from '@temporalio/client';
import { eventsQuery, stateQuery } from '../shared/definitions';
import { EventLog, type EventPage } from '../shared/event-log';
import { workflowIdFor, type GenerationInput, type GenerationOptions, type GenerationResult } from '../shared/generation';
import type { GenerationState } from '../shared/state';
import { notFound } from './http-error';
import type { CreateGenerationBody } from './request-schemas';

export interface GenerationServiceOptions {
  connection: Connection;
  namespace: string;
  taskQueue: string;
  defaultModel: string;
  defaultMaxIterations: number;
  generationOptions: GenerationOptions;
}

export interface CreatedGeneration {
  id: string;
  workflowId: string;
  status: 'running';
  model: string;
}

/** How many finished generations' results are kept in memory for readers. */
const finishedCacheSize = 500;

/**
 * The server's view of generations. Live ones are read by query; a finished one by its workflow
 * result (fetched once, then cached), so reading it needs no worker and keeps nothing open.
 */
export class GenerationService {
  private readonly liveClient: WorkflowClient;
  private readonly replayClient: WorkflowClient;
  private readonly finished = new Map<string, { result: GenerationResult; log: EventLog }>();

  constructor(private readonly options: GenerationServiceOptions) {
    // Queries on closed workflows are rejected rather than replayed: their result has everything.
    this.liveClient = new WorkflowClient({ connection: options.connection, namespace: options.namespace, queryRejectCondition: 'NOT_OPEN' });
    this.replayClient = new WorkflowClient({ connection: options.connection, namespace: options.namespace });
  }

  async create(body: CreateGenerationBody): Promise<CreatedGeneration> {
    const id = randomUUID();
    const input: GenerationInput = {
      generationId: id,
      prompt: body.prompt,
      model: body.model ?? this.options.defaultModel,
      maxIterations: body.maxIterations ?? this.options.defaultMaxIterations,
      system: body.system,
      options: this.options.generationOptions,
    };
    const workflowId = workflowIdFor(id);
    await this.liveClient.start('generationWorkflow', { taskQueue: this.options.taskQueue, workflowId, args: [input] });
    return { id, workflowId, status: 'running', model: input.model };
  }

  async state(id: string): Promise<GenerationState> {
    return this.read(
      id,
      (handle) => handle.query(stateQuery),
      (done) => done.result.state,
    );
  }

  async events(id: string, after: number, limit: number): Promise<EventPage> {
    return this.read(
      id,
      (handle) => handle.query(eventsQuery, { after, limit }),
      (done) => done.log.read(after, limit),
    );
  }

  /** A follow-up started a new run: what was cached of the finished one is stale. */
  invalidate(id: string): void {
    this.finished.delete(id);
  }

  private async read<T>(
    id: string,
    live: (handle: WorkflowHandle) => Promise<T>,
    fromResult: (done: { result: GenerationResult; log: EventLog }) => T,
  ): Promise<T> {
    const cached = this.finished.get(id);
    if (cached) return fromResult(cached);
    const workflowId = workflowIdFor(id);
    try {
      return await live(this.liveClient.getHandle(workflowId));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(`Generation ${id}`);
      if (!(err instanceof QueryRejectedError)) throw err;
    }
    const done = await this.loadFinished(id, workflowId);
    if (done) return fromResult(done);
    // Closed without a result (terminated, say): only a replay on a worker can still answer.
    return live(this.replayClient.getHandle(workflowId));
  }

  private async loadFinished(id: string, workflowId: string): Promise<{ result: GenerationResult; log: EventLog } | undefined> {
    let result: GenerationResult;
    try {
      result = (await this.liveClient.getHandle(workflowId).result()) as GenerationResult;
    } catch {
      return undefined;
    }
    const done = { result, log: new EventLog(result.log.capacity, result.log) };
    this.finished.set(id, done);
    if (this.finished.size > finishedCacheSize) {
      const oldest = this.finished.keys().next().value as string;
      this.finished.delete(oldest);
    }
    return done;
  }
}
