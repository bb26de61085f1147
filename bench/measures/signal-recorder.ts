import type { ClientInterceptors } from '@temporalio/client';
import { modelStreamSignal } from '../../src/shared/definitions';
import type { StreamProgress } from '../../src/shared/model-turn';

/**
 * A client for the worker whose interceptor notes when each modelStream signal leaves the model activity,
 * so a measure can tell the activity's own waiting (batching, one signal in flight) from the rest of the path.
 */
export class SignalRecorder {
  /** Date.now() as the model activity handed the signal to the client, before its RPC: by text batch and by tool call. */
  private readonly textSent = new Map<string, number>();
  private readonly toolSent = new Map<string, number>();

  interceptors(): ClientInterceptors {
    return {
      workflow: [
        {
          signal: (input, next) => {
            if (input.signalName === modelStreamSignal.name) this.note(Date.now(), input.workflowExecution.workflowId, input.args[0] as StreamProgress);
            return next(input);
          },
        },
      ],
    };
  }

  /** When the signal carrying the text batch whose first delta arrived at `at` left the activity. */
  textSentAt(workflowId: string, at: string): number | undefined {
    return this.textSent.get(`${workflowId}/${at}`);
  }

  /** When the signal carrying this tool call left the activity (the fake model reuses tool ids across generations). */
  toolSentAt(workflowId: string, toolUseId: string): number | undefined {
    return this.toolSent.get(`${workflowId}/${toolUseId}`);
  }

  private note(at: number, workflowId: string, progress: StreamProgress): void {
    for (const item of progress.items) {
      if (item.type === 'thinking') continue;
      const key = `${workflowId}/${item.type === 'text' ? item.at : item.call.id}`;
      const sent = item.type === 'text' ? this.textSent : this.toolSent;
      if (!sent.has(key)) sent.set(key, at);
    }
  }
}
