import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { workflowIdFor } from '../shared/generation';
import type { Logger } from '../observability/logger';
import { routeOf } from './api-metrics';

/**
 * One JSON access-log line per request (pino-http), with the generation's ids when the route names
 * one. Query strings are left out of the logged URL: the EventSource route carries the API token in
 * `access_token`. Successful reads log at debug: pollers send thousands a second.
 */
export function accessLog(logger: Logger): RequestHandler {
  const full = pinoHttpFor(logger);
  return function logAccess(req, res, next) {
    // A successful read logs at debug. With debug off, pino-http's per-request child loggers are
    // skipped for reads (a poller's hot path) and only a failed read is written, in the same shape.
    if (req.method !== 'GET' || logger.isLevelEnabled('debug')) {
      full(req, res, next);
      return;
    }
    const started = Date.now();
    res.once('finish', () => {
      if (res.statusCode < 400) return;
      const locals = res.locals as Record<string, unknown>;
      const generationId = locals.generationId as string | undefined;
      logger[res.statusCode >= 500 ? 'error' : 'warn'](
        {
          req: { method: req.method, url: req.originalUrl.split('?')[0] },
          res: { statusCode: res.statusCode },
          responseTime: Date.now() - started,
          route: routeOf(req),
          ...(generationId && { generationId, workflowId: workflowIdFor(generationId) }),
        },
        res.statusCode >= 500 ? 'request errored' : 'request completed',
      );
    });
    next();
  };
}

function pinoHttpFor(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    quietReqLogger: true,
    customLogLevel(req, res, err) {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return req.method === 'GET' ? 'debug' : 'info';
    },
    customProps(req, res) {
      // Called when the request comes in too, when nothing is known yet: only the finished response gets the ids.
      if (!res.headersSent) return undefined as never;
      const locals = (res as unknown as { locals?: Record<string, unknown> }).locals ?? {};
      const generationId = locals.generationId as string | undefined;
      const props: Record<string, unknown> = { route: routeOf(req as never) };
      if (generationId) Object.assign(props, { generationId, workflowId: workflowIdFor(generationId) });
      if (locals.toolUseId) props.toolUseId = locals.toolUseId;
      return props;
    },
    serializers: {
      req: (req: IncomingMessage & { id?: unknown }) => ({ id: req.id, method: req.method, url: (req.url ?? '').split('?')[0], remoteAddress: req.socket?.remoteAddress }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    wrapSerializers: false,
  }) as unknown as RequestHandler;
}
