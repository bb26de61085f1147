// Profiling aid: CPU per poll of GET /v1/generations/:id/events through createApp (Express) and
// through a bare node:http handler, serving the same small page from a constant EventLog (no
// Temporal). N keep-alive clients in a child process poll every 100 ms for 8 s.
// Usage: npx tsx bench/dev/http-overhead.ts [pollers=300]
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { createLogger, type Logger } from '../../src/observability/logger';
import { createApp } from '../../src/server/create-app';
import type { GenerationCommands } from '../../src/server/generation-commands';
import type { GenerationService } from '../../src/server/generation-service';
import { EventLog } from '../../src/shared/event-log';

const log = new EventLog(1000);
log.append({ type: 'generation.started', generationId: 'g', prompt: 'p', model: 'm', maxIterations: 5 }, new Date().toISOString());
for (let i = 0; i < 100; i++) log.append({ type: 'text.delta', iteration: 1, attempt: 1, text: 'Streaming along for the pollers. ' }, new Date().toISOString());
/** Two events behind: what a caught-up poller asks for while text streams. */
const after = log.state.lastSeq - 2;
const durationMs = 8000;

const generations = { events: async (_id: string, a: number, l: number) => log.read(a, l), state: async () => log.state } as unknown as GenerationService;
const app = (logger?: Logger): express.Express => createApp({ generations, commands: {} as GenerationCommands, health: async () => ({ ok: true, details: {} }), logger });
/** A production logger (info: successful reads are debug lines, skipped) writing to /dev/null. */
const infoLogger = (): Logger => createLogger({ level: 'info', destination: pino.destination({ dest: '/dev/null', sync: true }) });

const eventsRoute = /^\/v1\/generations\/([A-Za-z0-9_-]{1,64})\/events(?:\?(.*))?$/;

/** The events route without Express: returns false for anything else. */
function fastPath(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const match = req.method === 'GET' ? eventsRoute.exec(req.url ?? '') : null;
  if (!match) return false;
  const params = new URLSearchParams(match[2] ?? '');
  const body = JSON.stringify(log.read(Number(params.get('after') ?? 0), Number(params.get('limit') ?? 500)));
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
  return true;
}

const variants: Record<string, () => http.Server> = {
  'createApp (one router, silent logger)': () => http.createServer(app()),
  'createApp, logger at info': () => http.createServer(app(infoLogger())),
  'fast path as first Express middleware': () => {
    const outer = express();
    outer.use((req, res, next) => (fastPath(req, res) ? undefined : next()));
    outer.use(app());
    return http.createServer(outer);
  },
  'fast path before Express': () => {
    const inner = app();
    return http.createServer((req, res) => (fastPath(req, res) ? undefined : inner(req, res)));
  },
  'bare node:http': () => http.createServer((req, res) => (fastPath(req, res) ? undefined : res.writeHead(404).end())),
};

// The load: plain CommonJS run with `node -e`, so its own cost is small and the same for every variant.
const loadScript = `
const http = require('node:http');
const [url, n, intervalMs, durationMs] = [process.argv[1], +process.argv[2], +process.argv[3], +process.argv[4]];
const lat = []; let errors = 0; const end = Date.now() + durationMs;
const get = (agent) => new Promise((resolve, reject) => { const t = performance.now(); http.get(url, { agent }, (r) => { const c = []; r.on('data', (d) => c.push(d)); r.on('end', () => { JSON.parse(Buffer.concat(c)); lat.push(performance.now() - t); resolve(r.statusCode); }); }).on('error', reject); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function one() { const agent = new http.Agent({ keepAlive: true, maxSockets: 1 }); await sleep(Math.random() * intervalMs); while (Date.now() < end) { try { if ((await get(agent)) !== 200) errors++; } catch { errors++; } await sleep(intervalMs); } }
const cpu0 = process.cpuUsage();
Promise.all(Array.from({ length: n }, one)).then(() => { lat.sort((a, b) => a - b); const c = process.cpuUsage(cpu0); const p = (q) => +lat[Math.min(lat.length - 1, Math.ceil(q * lat.length) - 1)].toFixed(1); process.stdout.write(JSON.stringify({ polls: lat.length, errors, p50: p(0.5), p99: p(0.99), cpuMs: (c.user + c.system) / 1000 }) + '\\n', () => process.exit(0)); });
`;

async function run(name: string, server: http.Server, pollers: number): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/generations/abc/events?after=${after}`;
  const cpuBefore = process.cpuUsage();
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['-e', loadScript, url, String(pollers), '100', String(durationMs)], (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
  const cpu = process.cpuUsage(cpuBefore);
  const load = JSON.parse(out) as { polls: number; errors: number; p50: number; p99: number; cpuMs: number };
  const serverUsPerPoll = (((cpu.user + cpu.system) / 1000) * 1000) / load.polls;
  console.log(
    `${name.padEnd(40)} ${String(Math.round(load.polls / (durationMs / 1000))).padStart(5)} polls/s  p50 ${load.p50} ms  p99 ${load.p99} ms  errors ${load.errors}  ` +
      `server ${serverUsPerPoll.toFixed(0)} µs/poll  client ${((load.cpuMs * 1000) / load.polls).toFixed(0)} µs/poll`,
  );
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function main(): Promise<void> {
  const pollers = Number(process.argv[2] ?? 300);
  for (const [name, make] of Object.entries(variants)) await run(name, make(), pollers);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
