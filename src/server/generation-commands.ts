import {
  ApplicationFailure,
  WorkflowClient,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Connection,
} from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { webUiMetadata } from '../shared/web-ui-details';
import {
  cancelToolUpdate,
  cancelUpdate,
  resumeUpdate,
  sendMessageUpdate,
  toolApprovalUpdate,
  toolDecisionUpdate,
  UpdateRejection,
  type ToolDecision,
} from '../shared/definitions';
import { isLegacyResult, workflowIdFor, type GenerationInput, type GenerationResult, type GenerationRunSettings } from '../shared/generation';
import { EventLogArchive } from '../storage/event-log-archive';
import type { Storage } from '../storage/storage';
import { HttpError, notFound } from './http-error';

export interface GenerationCommandsOptions {
  connection: Connection;
  namespace: string;
  taskQueue: string;
  storage: Storage;
  /** Called when a follow-up started a new run: cached reads of the finished one are stale. */
  onNewRun(id: string): void;
}

export interface AcceptedCommand {
  id: string;
  accepted: 'cancel' | 'resume' | 'message' | 'retry' | 'skip' | 'approve' | 'deny' | 'cancel-tool';
}

/**
 * What clients can ask of a generation besides reading it. Each is a workflow update: the workflow
 * validates it against its own state and answers at once, so a request that makes no sense now
 * (resume of a running generation, retry of a tool that did not fail) is a 409 and changes nothing.
 */
export class GenerationCommands {
  private readonly client: WorkflowClient;
  private readonly eventLogs: EventLogArchive;

  constructor(private readonly options: GenerationCommandsOptions) {
    this.client = new WorkflowClient({ connection: options.connection, namespace: options.namespace, dataConverter: options.storage.dataConverter });
    this.eventLogs = new EventLogArchive(options.storage.blobs);
  }

  async cancel(id: string, reason: string | undefined): Promise<AcceptedCommand> {
    await this.update(id, () => this.handle(id).executeUpdate(cancelUpdate, { args: [{ reason }] }));
    return { id, accepted: 'cancel' };
  }

  async resume(id: string): Promise<AcceptedCommand> {
    await this.update(id, () => this.handle(id).executeUpdate(resumeUpdate, { args: [] }));
    return { id, accepted: 'resume' };
  }

  async decideTool(id: string, toolUseId: string, decision: ToolDecision): Promise<AcceptedCommand> {
    await this.update(id, () => this.handle(id).executeUpdate(toolDecisionUpdate, { args: [{ toolUseId, decision }] }));
    return { id, accepted: decision };
  }

  async answerApproval(id: string, toolUseId: string, approved: boolean, reason: string | undefined): Promise<AcceptedCommand> {
    await this.update(id, () => this.handle(id).executeUpdate(toolApprovalUpdate, { args: [{ toolUseId, approved, ...(reason !== undefined ? { reason } : {}) }] }));
    return { id, accepted: approved ? 'approve' : 'deny' };
  }

  async cancelTool(id: string, toolUseId: string): Promise<AcceptedCommand> {
    await this.update(id, () => this.handle(id).executeUpdate(cancelToolUpdate, { args: [{ toolUseId }] }));
    return { id, accepted: 'cancel-tool' };
  }

  /** A live generation takes the message as an update; a finished one goes on in a new run under the same id. */
  async sendMessage(id: string, text: string): Promise<AcceptedCommand> {
    for (let tries = 0; tries < 2; tries++) {
      try {
        await this.update(id, () => this.handle(id).executeUpdate(sendMessageUpdate, { args: [{ text }] }));
        return { id, accepted: 'message' };
      } catch (err) {
        if (!(err instanceof GenerationClosed)) throw err;
      }
      try {
        await this.continueFinished(id, text);
        return { id, accepted: 'message' };
      } catch (err) {
        // Another request continued it first: the new run is live, so deliver to it as an update.
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    }
    throw new HttpError(409, 'conflict', 'The generation changed while the message was being delivered; send it again');
  }

  private async continueFinished(id: string, text: string): Promise<void> {
    const workflowId = workflowIdFor(id);
    let previous: GenerationResult;
    try {
      previous = (await this.handle(id).result()) as GenerationResult;
    } catch {
      throw new HttpError(409, 'conflict', `Generation ${id} ended without a result (terminated?) and cannot be continued`);
    }
    const input = await this.followUpInput(previous, text);
    await this.client.start('generationWorkflow', { taskQueue: this.options.taskQueue, workflowId, args: [input], ...webUiMetadata(input, text) });
    this.options.onNewRun(id);
  }

  /** The new run carries the old one's event log and where its conversation ends, never the conversation itself. */
  private async followUpInput(previous: GenerationResult, text: string): Promise<GenerationInput> {
    if (isLegacyResult(previous)) {
      const { log, messages, nextIteration, input } = previous;
      return { ...input, carryOver: { log, messages, nextIteration, lastIteration: nextIteration + input.maxIterations - 1, followUp: text } };
    }
    const { nextIteration } = previous;
    const run = previous.run ?? (await this.runSettings(workflowIdFor(previous.generationId)));
    const log = await this.eventLogs.load(previous.eventLog.key);
    const conversation = { head: previous.transcript.head, pending: [] };
    return { ...run, prompt: '', carryOver: { log, conversation, nextIteration, lastIteration: nextIteration + run.maxIterations - 1, followUp: text } };
  }

  /**
   * The settings a finished run started with, from its own input (the start event of the latest run):
   * its result leaves them out, since the Web UI's Input panel shows them already.
   */
  private async runSettings(workflowId: string): Promise<GenerationRunSettings> {
    const { history } = await this.client.workflowService.getWorkflowExecutionHistory({
      namespace: this.options.namespace,
      execution: { workflowId },
      maximumPageSize: 1,
    });
    const started = history?.events?.[0]?.workflowExecutionStartedEventAttributes;
    if (!started) throw new HttpError(409, 'conflict', `The start of generation ${workflowId}'s last run is not readable, so it cannot be continued`);
    const input = await decodeFromPayloadsAtIndex<GenerationInput>(this.client.options.loadedDataConverter, 0, started.input?.payloads);
    const { carryOver: _carried, prompt: _prompt, ...run } = input;
    return run;
  }

  private handle(id: string) {
    return this.client.getHandle(workflowIdFor(id));
  }

  private async update(id: string, send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (err) {
      throw await this.toHttpError(id, err);
    }
  }

  private async toHttpError(id: string, err: unknown): Promise<unknown> {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      if (err.cause.type === UpdateRejection.conflict) return new HttpError(409, 'conflict', err.cause.message);
      if (err.cause.type === UpdateRejection.toolNotFound) return new HttpError(404, 'not_found', err.cause.message);
      if (err.cause.type === UpdateRejection.finishing) return new GenerationClosed(id, 'closing');
    }
    if (!(err instanceof WorkflowNotFoundError)) return err;
    // Not found is also what an update to a closed workflow gets: tell the two apart.
    try {
      const description = await this.handle(id).describe();
      return new GenerationClosed(id, description.status.name);
    } catch (describeErr) {
      if (describeErr instanceof WorkflowNotFoundError) return notFound(`Generation ${id}`);
      return describeErr;
    }
  }
}

/** The generation's workflow has closed: it is finished (or was terminated) and takes no more updates. */
class GenerationClosed extends HttpError {
  constructor(id: string, workflowStatus: string) {
    super(409, 'conflict', `Generation ${id} is finished (workflow ${workflowStatus.toLowerCase()}); only a message can continue it`);
  }
}
