import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * The model call: Temporal owns its retries (the SDK client has maxRetries 0). Heartbeats while
 * streaming let a dead worker be noticed in seconds rather than at the start-to-close timeout, and
 * carry a cancel to the stream. A cancel waits for the activity to stop, so nothing streams on after it.
 */
export const modelActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
} as const;

/** Attempts one execution of the model activity may make; a resumed call numbers its attempts after these. */
export const modelAttemptsPerExecution = modelActivityOptions.retry.maximumAttempts;

export const { streamModelTurn } = proxyActivities<Activities>(modelActivityOptions);

/**
 * One attempt of one tool. The workflow runs the attempts itself (see tool-scheduler.ts) so that
 * every attempt, its failure and whether it will be retried are events a client can see.
 */
export const toolActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { maximumAttempts: 1 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
} as const;

export const { runTool } = proxyActivities<Activities>(toolActivityOptions);

/** Writes a finished run's event log and last messages to the store: short, and safe to repeat (content-addressed). */
export const archiveActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
} as const;

export const { archiveGeneration } = proxyActivities<Activities>(archiveActivityOptions);
