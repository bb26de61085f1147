import { Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import type { Logger } from './logger';
import { temporalLogger } from './temporal-logger';

export interface WorkerRuntimeSetup {
  logger: Logger;
  /** host:port for the Prometheus endpoint (TOOLSTREAM_WORKER_METRICS_PORT); none: no metrics served. */
  metricsBindAddress?: string;
}

/**
 * Installs the Temporal runtime before any connection is made (it can be installed once per
 * process): SDK, workflow and activity logs and the Rust core's (forwarded, WARN and up) go to pino;
 * Temporal's worker metrics and ours (made on the activity metric meter) are served for Prometheus.
 */
export function installWorkerRuntime(setup: WorkerRuntimeSetup): void {
  Runtime.install({
    logger: temporalLogger(setup.logger),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN' }) },
      ...(setup.metricsBindAddress !== undefined && {
        metrics: { prometheus: { bindAddress: setup.metricsBindAddress, countersTotalSuffix: true, unitSuffix: true } },
      }),
    },
  });
}
