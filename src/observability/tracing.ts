import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OpenTelemetryPlugin, OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { ClientInterceptors } from '@temporalio/client';

export interface Tracing {
  /** For Worker.create: workflow, activity and client spans, workflow spans exported through a sink. */
  workerPlugin: OpenTelemetryPlugin;
  /** For the API's clients: a span per workflow start, signal and query, its context carried to the workflow. */
  clientInterceptors: ClientInterceptors;
  /** Flushes spans not yet exported. */
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry tracing, off unless the standard variables ask for it: OTEL_TRACES_EXPORTER=otlp, or
 * an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). The exporter is
 * OTLP over HTTP and reads its endpoint, headers and timeout from the same variables; OTEL_SERVICE_NAME
 * names the service. OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none keep it off.
 */
export function tracingFromEnv(env: NodeJS.ProcessEnv, defaultServiceName: string): Tracing | undefined {
  if (env.OTEL_SDK_DISABLED === 'true') return undefined;
  const exporterName = env.OTEL_TRACES_EXPORTER?.trim();
  if (exporterName === 'none') return undefined;
  const endpointSet = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  if (exporterName !== 'otlp' && !endpointSet) return undefined;

  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME || defaultServiceName });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 500 });
  const provider = new BasicTracerProvider({ resource });
  provider.addSpanProcessor(spanProcessor);
  provider.register();
  return {
    workerPlugin: new OpenTelemetryPlugin({ resource, spanProcessor }),
    clientInterceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
    shutdown: () => provider.shutdown(),
  };
}
