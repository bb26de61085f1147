import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody } from './error-handler';

/**
 * Node answers a request it cannot parse (request line and headers over 16 KB, malformed HTTP)
 * by itself, before Express sees it, with an empty body. This gives those answers the same JSON
 * error shape as every other, keeping Node's statuses.
 */
export function answerClientErrorsWithJson(server: Server): void {
  server.on('clientError', function answerClientError(err: NodeJS.ErrnoException, socket: Duplex) {
    const inResponse = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (err.code === 'ECONNRESET' || !socket.writable || inResponse) {
      socket.destroy();
      return;
    }
    const [status, code, message] = describe(err);
    const body = JSON.stringify({ error: { code, message } } satisfies ErrorBody);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}

function describe(err: NodeJS.ErrnoException): [number, string, string] {
  if (err.code === 'HPE_HEADER_OVERFLOW') return [431, 'headers_too_large', 'The request line and headers are larger than 16 KB'];
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'request_timeout', 'The request took too long to arrive'];
  return [400, 'malformed_request', 'The request is not valid HTTP'];
}
