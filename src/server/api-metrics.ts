import type { Request, RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ReaderStats } from './generation-reader';

export interface ApiMetricsSources {
  /** The reader's running counts (queries to Temporal, cache evictions...), read at scrape time. */
  readerStats: () => ReaderStats;
  /** Generations in the reader's cache right now. */
  cachedGenerations: () => number;
  /** Running generations on this deployment's task queue, from Temporal's visibility (scrape time). */
  activeGenerations: () => Promise<number>;
}

/**
 * The API's Prometheus metrics, on their own registry (tests start several APIs in one process).
 * Counts the reader already keeps are exposed as they are, read when Prometheus scrapes, so the
 * hot read path does no extra bookkeeping for them.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly openStreams: Gauge;
  readonly longPolls: Gauge;
  readonly generationsCreated: Counter<'outcome'>;

  constructor(sources: ApiMetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'toolstream_api_' });
    this.requestDuration = new Histogram({
      name: 'toolstream_http_request_duration_seconds',
      help: 'HTTP request latency by route and status; SSE streams count from open to close',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.openStreams = new Gauge({ name: 'toolstream_sse_streams_open', help: 'Server-sent event streams open now', registers });
    this.longPolls = new Gauge({ name: 'toolstream_long_polls_waiting', help: 'Long polls (events?wait=) waiting now', registers });
    this.generationsCreated = new Counter({
      name: 'toolstream_generations_created_total',
      help: 'POST /v1/generations by outcome: started, replayed (same Idempotency-Key), conflict, limited (429)',
      labelNames: ['outcome'],
      registers,
    });
    new Counter({
      name: 'toolstream_reader_queries_total',
      help: 'Queries the reader sent to Temporal (every poller of a generation shares them)',
      registers,
      collect() {
        this.reset();
        this.inc(sources.readerStats().queries);
      },
    });
    new Counter({
      name: 'toolstream_reader_cache_events_total',
      help: 'Reader cache activity by kind: result loads of closed generations, closed rechecks, rebuilds, evictions, busy retries',
      labelNames: ['kind'],
      registers,
      collect() {
        const stats = sources.readerStats();
        this.reset();
        this.inc({ kind: 'result_load' }, stats.resultLoads);
        this.inc({ kind: 'closed_check' }, stats.closedChecks);
        this.inc({ kind: 'rebuild' }, stats.rebuilds);
        this.inc({ kind: 'eviction' }, stats.evictions);
        this.inc({ kind: 'busy_retry' }, stats.busyRetries);
      },
    });
    new Gauge({
      name: 'toolstream_reader_cached_generations',
      help: 'Generations mirrored in the reader cache now',
      registers,
      collect() {
        this.set(sources.cachedGenerations());
      },
    });
    new Gauge({
      name: 'toolstream_generations_active',
      help: 'Running generations on this task queue (Temporal visibility; -1 when it did not answer)',
      registers,
      async collect() {
        this.set(await sources.activeGenerations().catch(() => -1));
      },
    });
  }

  /** Times every request; the route is the pattern it matched (`/v1/generations/:id`), never the raw path. */
  readonly timeRequests: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.requestDuration.observe({ method: req.method, route: routeOf(req), status: String(res.statusCode) }, seconds);
    });
    next();
  };

  readonly serve: RequestHandler = async (_req, res) => {
    res.type(this.registry.contentType).send(await this.registry.metrics());
  };
}

/** The matched route pattern, or `unmatched` (404s must not make a series per path a scanner tries). */
export function routeOf(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern !== 'string') return 'unmatched';
  // An error leaves the router before we look (baseUrl is reset then): the mount was noted on the way in.
  const mount = (req.res?.locals.mount as string | undefined) ?? req.baseUrl;
  return `${mount}${pattern}` || '/';
}

/** Notes where a router is mounted, for routeOf. */
export const noteMount: RequestHandler = (req, res, next) => {
  res.locals.mount = req.baseUrl;
  next();
};
