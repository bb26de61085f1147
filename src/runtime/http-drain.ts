import type http from 'node:http';

/**
 * Graceful stop of an HTTP server: it stops accepting connections, ends each server-sent-event
 * stream cleanly (the client's EventSource reconnects, to another API instance, from its
 * Last-Event-ID), lets other open requests (long polls, commands) finish, and only after the grace
 * time cuts what is left.
 */
export function drainable(server: http.Server): (graceMs: number) => Promise<void> {
  const open = new Set<http.ServerResponse>();
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    open.add(res);
    res.once('close', () => open.delete(res));
  });
  return async (graceMs) => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    for (const res of open) {
      // Ended between events: the stream is well-formed, so the client sees an orderly end, not an error.
      if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) res.end();
      else res.shouldKeepAlive = false;
    }
    const deadline = Date.now() + graceMs;
    while (open.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    server.closeAllConnections();
    await closed;
  };
}
