import Anthropic from '@anthropic-ai/sdk';
import { Client, type ClientInterceptors, type Connection } from '@temporalio/client';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { afterEffectFault, faultSettingsFromEnv } from '../activities/tools/fault-injection';
import { redactingLogger } from '../activities/model/redacting-logger';
import { TextBatchWindow } from '../activities/model/text-batch-window';
import type { Config } from '../config';
import { ConversationStore } from '../storage/conversation-store';
import { EventLogArchive } from '../storage/event-log-archive';
import type { Storage } from '../storage/storage';
import { createToolRegistry } from '../tools';
import type { Tracing } from '../observability/tracing';
import { activityObservability } from './activity-observability';

export interface WorkerDeps {
  connection: NativeConnection;
  /** Used by the model activity to signal its workflow. */
  clientConnection: Connection;
  storage: Storage;
  /** For benchmarks that time the model activity's signals. */
  clientInterceptors?: ClientInterceptors;
  config: Config;
  /** Pass a prebuilt bundle to skip bundling the workflow code again (tests start many workers). */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** OpenTelemetry tracing when the OTEL_* variables turn it on. */
  tracing?: Tracing;
}

/** Heartbeats carry the partial turn and bring a cancel to a running stream: a short throttle keeps both to half a second. */
const heartbeatIntervalMs = 500;

export async function createToolstreamWorker(deps: WorkerDeps): Promise<Worker> {
  const { config } = deps;
  const apiKey = config.anthropic.apiKey;
  const anthropic = new Anthropic({
    apiKey: apiKey ?? 'not-set',
    baseURL: config.anthropic.baseUrl,
    // Temporal retries the activity; retries inside it would hide attempts and double the backoff.
    maxRetries: 0,
    logger: redactingLogger(apiKey),
  });
  const { storage } = deps;
  const client = new Client({ connection: deps.clientConnection, namespace: config.temporal.namespace, dataConverter: storage.dataConverter, interceptors: deps.clientInterceptors });
  const conversations = new ConversationStore(storage.blobs);
  // The crash suite's fault hook: never armed outside a test-tools worker that asks for it.
  const faultSettings = config.testTools ? faultSettingsFromEnv(process.env) : undefined;
  const activities = createActivities({
    temporal: client,
    conversations,
    eventLogs: new EventLogArchive(storage.blobs),
    anthropic,
    anthropicApiKey: apiKey,
    tools: createToolRegistry({ testTools: config.testTools }),
    prices: config.prices,
    streamIdleTimeoutMs: config.streamIdleTimeoutMs,
    heartbeatIntervalMs,
    textBatchWindow: new TextBatchWindow(config.textSignalsPerSecond),
    workspaceRoot: config.workspaceDir,
    maxFileBytes: config.maxFileBytes,
    payloadLimitBytes: storage.payloadLimitBytes,
    ...(faultSettings ? { afterEffectFault: afterEffectFault(faultSettings) } : {}),
  });
  return Worker.create({
    connection: deps.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities,
    dataConverter: storage.dataConverter,
    // A model stream holds a slot for its whole length and its tools need more: the SDK's default of 100
    // would cap one worker below 100 concurrent generations.
    maxConcurrentActivityTaskExecutions: config.maxConcurrentActivities,
    maxHeartbeatThrottleInterval: heartbeatIntervalMs,
    defaultHeartbeatThrottleInterval: heartbeatIntervalMs,
    // On shutdown the worker stops polling at once and lets what runs finish; past the grace time its
    // activities are cancelled and retried on another worker (a stream's calls are claimed, not rerun).
    shutdownGraceTime: config.shutdownGraceMs,
    interceptors: { activity: [activityObservability] },
    ...(deps.tracing && { plugins: [deps.tracing.workerPlugin] }),
  });
}
