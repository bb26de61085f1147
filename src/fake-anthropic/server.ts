import { createServer, type IncomingMessage, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { hasApiKey } from './auth';
import { sendJsonError } from './http-errors';
import { respondWithMessage } from './message-responder';
import { validateMessagesRequest } from './request-validation';
import { countAssistantTurns, resolveScriptedTurn, selectScenario } from './scenario-selection';
import { streamTurn } from './turn-streamer';
import type { FakeAnthropicOptions, FakeAnthropicServer, RecordedRequest, RecordedResponse, ScriptedTurn } from './types';

interface InFlight {
  res: ServerResponse;
  controller: AbortController;
}

/**
 * Plain `http` rather than express: the fake must decide exactly when each byte hits
 * the socket, and must be able to stall or drop a connection on cue.
 */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropicServer> {
  const requests: RecordedRequest[] = [];
  const responses: RecordedResponse[] = [];
  const callCounts = new Map<string, number>();
  const inFlight = new Set<InFlight>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (req.method !== 'POST' || path !== '/v1/messages') {
      req.resume();
      sendJsonError(res, 404, 'not_found_error', `fake-anthropic: no route for ${req.method ?? '?'} ${path}`);
      return;
    }
    const raw = await readBody(req);
    if (options.apiKey !== undefined && !hasApiKey(req.headers, options.apiKey)) {
      sendJsonError(res, 401, 'authentication_error', 'invalid x-api-key');
      return;
    }
    const validation = validateMessagesRequest(raw);
    if (!validation.ok) {
      sendJsonError(res, 400, 'invalid_request_error', validation.message);
      return;
    }
    const body = validation.body;
    const lookup = selectScenario(body, options);
    const turn = countAssistantTurns(body);
    if (options.keepRequestBodies === 'last') dropEarlierBodies(requests, lookup.name);
    requests.push({ at: Date.now(), scenario: lookup.name, turn, body, headers: { ...req.headers } });
    if (!lookup.ok) {
      sendJsonError(res, 400, 'invalid_request_error', lookup.message);
      return;
    }

    const callIndex = callCounts.get(lookup.name) ?? 0;
    callCounts.set(lookup.name, callIndex + 1);
    let script: ScriptedTurn;
    try {
      script = resolveScriptedTurn(lookup.scenario, body, { turn, callIndex });
    } catch (err) {
      // A throwing scenario is a test bug; surface it instead of hanging the client.
      sendJsonError(res, 500, 'api_error', `fake-anthropic: scenario "${lookup.name}" threw: ${String(err)}`);
      return;
    }

    const record: RecordedResponse = { scenario: lookup.name, turn, status: 200, startedAt: Date.now(), blockStops: [] };
    responses.push(record);
    if (script.httpError) {
      const { status, errorType, message, retryAfterSeconds } = script.httpError;
      record.status = status;
      sendJsonError(res, status, errorType, message, { retryAfterSeconds });
      return;
    }

    const flight: InFlight = { res, controller: new AbortController() };
    // 'close' also fires after a normal finish; aborting then is a no-op.
    res.on('close', () => {
      record.closedAt = Date.now();
      flight.controller.abort();
    });
    inFlight.add(flight);
    try {
      const ctx = { scenario: lookup.name, turn, callIndex, request: body, record, signal: flight.controller.signal };
      await (body.stream === true ? streamTurn(res, script, ctx) : respondWithMessage(res, script, ctx));
    } finally {
      inFlight.delete(flight);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJsonError(res, 500, 'api_error', `fake-anthropic: ${String(err)}`);
      else res.destroy();
    });
  });
  // Each SSE frame must leave immediately; Nagle would merge frames and blur timing.
  server.on('connection', (socket) => socket.setNoDelay(true));

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    requests,
    responses,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        // Drop unfinished streams rather than end them cleanly: a truncated but
        // well-terminated body would look like a normal (if odd) response to the client.
        for (const flight of inFlight) {
          flight.controller.abort();
          flight.res.destroy();
        }
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Only the latest request of a scenario keeps its messages: the recorded list stays small however long the run. */
function dropEarlierBodies(requests: RecordedRequest[], scenario: string): void {
  for (let i = requests.length - 1; i >= 0; i--) {
    const request = requests[i];
    if (request.scenario !== scenario) continue;
    if (request.bodyDropped) return; // every earlier one was dropped when this one was
    request.body = { ...request.body, messages: [] };
    request.bodyDropped = true;
    return;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
