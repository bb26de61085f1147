import { randomUUID } from 'node:crypto';
import { WorkflowClient, type Connection } from '@temporalio/client';
import type { EventPage } from '../shared/event-log';
import { workflowIdFor, type GenerationInput, type GenerationOptions } from '../shared/generation';
import type { GenerationState } from '../shared/state';
import { listGenerations, type GenerationListPage } from './generation-list';
import { GenerationReader, type GenerationReaderOptions } from './generation-reader';
import type { CreateGenerationBody } from './request-schemas';

export interface GenerationServiceOptions {
  connection: Connection;
  namespace: string;
  taskQueue: string;
  defaultModel: string;
  defaultMaxIterations: number;
  generationOptions: GenerationOptions;
  /** Tuning of the read path (refresh TTL, eviction, retries); the defaults suit a server. */
  reader?: Omit<GenerationReaderOptions, 'connection' | 'namespace' | 'eventBufferSize'>;
}

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

  constructor(private readonly options: GenerationServiceOptions) {
    this.client = new WorkflowClient({ connection: options.connection, namespace: options.namespace });
    this.reader = new GenerationReader({
      ...options.reader,
      connection: options.connection,
      namespace: options.namespace,
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
      options: this.options.generationOptions,
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

  /** Newest first, from Temporal's visibility store. */
  list(rawQuery: unknown): Promise<GenerationListPage> {
    return listGenerations(this.options.connection, this.options.namespace, rawQuery);
  }

  /** Call when a new run takes over a generation's workflow id (a finished one continued), so reads see it at once. */
  invalidate(id: string): void {
    this.reader.invalidate(id);
  }
}
