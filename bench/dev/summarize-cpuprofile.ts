import fs from 'node:fs';
import path from 'node:path';

/**
 * Sums a V8 .cpuprofile (as `node --cpu-prof` writes one per thread) by where the time goes:
 *   node --import tsx bench/dev/summarize-cpuprofile.ts <file-or-dir>... [--top=25] [--json] [--bundle=workflow-bundle.js] [--fn=name,...]
 * A directory is read whole (every *.cpuprofile in it, one per thread). Prints, per profile, self time by
 * category (SDK core bridge and activation, protobuf, JSON, our workflow code, reducer, event log, Web UI
 * details, search attributes, gRPC, the model SDK, GC, idle) and the top functions by self time, plus the
 * inclusive time of a few functions that mark a workflow task's phases. Workflow code runs from a webpack
 * bundle: `--bundle` (the same code bundled again, e.g. by bench/dev/write-workflow-bundle.ts) maps its
 * lines back to their modules.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** First match wins: specific files before the packages that hold them. */
const categories: Array<[string, (frame: CallFrame) => boolean]> = [
  ['idle', (f) => f.functionName === '(idle)'],
  ['GC', (f) => f.functionName === '(garbage collector)'],
  // The SDK's promise hook (workflow thread): every promise made in a workflow captures a stack trace for `__stack_trace`.
  [
    'SDK promise stack traces (promise hook, prepareStackTrace, source maps)',
    (f) =>
      (/vm-shared\.js/.test(f.url) && f.functionName !== 'getActivator') ||
      /^(get stack|initAll|captureLargerStackTrace)$/.test(f.functionName) ||
      /source-map|source_map_cache/.test(f.url) ||
      /cutoffStackTrace/.test(f.functionName) ||
      f.functionName.startsWith('RegExp:'),
  ],
  ['SDK getActivator (promise hook lookup)', (f) => f.functionName === 'getActivator'],
  ['vm entry (runInContext: context switch, timeout watchdog thread)', (f) => f.functionName === 'runInContext' && f.url === ''],
  ['program (V8/native, unattributed)', (f) => f.functionName === '(program)'],
  ['reducer (src/shared/reducer)', (f) => /shared\/(reducer|state|usage)\b/.test(f.url)],
  ['event log (src/shared/event-log, bounded-event)', (f) => /shared\/(event-log|bounded-event)\b/.test(f.url)],
  ['Web UI details (current-details, web-ui-details, status-line, tool-row)', (f) => /(current-details|web-ui-details|status-line|tool-row)\b/.test(f.url)],
  ['search attributes', (f) => /search-attributes\b/.test(f.url)],
  ['activity derivation (ai-activity, recorder)', (f) => /(ai-activity|workflows\/recorder)\b/.test(f.url)],
  ['our workflow code (src/workflows)', (f) => /src\/workflows\//.test(f.url)],
  ['our shared code (other src/shared)', (f) => /src\/shared\//.test(f.url)],
  ['model activity (src/activities/model)', (f) => /src\/activities\/model\//.test(f.url)],
  ['our other code (src/*)', (f) => /\/src\//.test(f.url) && !/node_modules/.test(f.url)],
  ['JSON parse/stringify', (f) => /^(parse|stringify|JSONParse|JSONStringify)$/.test(f.functionName) && (f.url === '' || f.url.startsWith('node:'))],
  ['protobuf (protobufjs, proto types)', (f) => /protobufjs|@temporalio\/proto|long\/|\/proto\//.test(f.url)],
  ['payload conversion (@temporalio/common converters)', (f) => /@temporalio\/common\/lib\/converter|payload-converter|payload-codec|data-converter/.test(f.url)],
  ['SDK workflow sandbox (@temporalio/workflow)', (f) => /@temporalio\/workflow\//.test(f.url) || /workflow-bundle|webpack/.test(f.url)],
  ['SDK worker: core bridge (native calls)', (f) => /@temporalio\/core-bridge/.test(f.url)],
  ['SDK worker: activation, workflow thread, activity (@temporalio/worker)', (f) => /@temporalio\/worker\//.test(f.url)],
  ['SDK client (signals from the model activity)', (f) => /@temporalio\/client\//.test(f.url)],
  ['SDK common/other @temporalio', (f) => /@temporalio\//.test(f.url)],
  ['gRPC (@grpc/grpc-js, http2)', (f) => /@grpc\/|node:internal\/http2|node:http2/.test(f.url)],
  ['model SDK (@anthropic-ai/sdk) and its HTTP', (f) => /@anthropic-ai\/sdk|undici|node-fetch/.test(f.url)],
  ['rxjs (SDK worker pipeline)', (f) => /rxjs/.test(f.url)],
  ['other node_modules', (f) => /node_modules/.test(f.url)],
  ['node runtime (timers, streams, net, promises)', (f) => f.url.startsWith('node:') || f.url === ''],
];

/** Functions whose inclusive time marks a phase of a workflow task or activity. */
const phases = [
  'activate',
  'concludeActivation',
  'signalWorkflow',
  'handleQuery',
  'queryWorkflow',
  'reduce',
  'emit',
  'refresh',
  'currentDetailsOf',
  'onProgress',
  'sendPending',
  'toPayload',
  'fromPayload',
  'toPayloads',
  'encode',
  'decode',
  'finish',
  'sync',
];

function categoryOf(frame: CallFrame): string {
  for (const [name, test] of categories) if (test(frame)) return name;
  return 'other';
}

interface Summary {
  file: string;
  wallMs: number;
  sampledMs: number;
  busyMs: number;
  byCategory: Array<{ category: string; ms: number; percentOfBusy: number }>;
  topFunctions: Array<{ fn: string; ms: number }>;
  inclusive: Array<{ fn: string; ms: number; percentOfBusy: number }>;
}

/** Maps a line of a webpack workflow bundle to the module it belongs to (`/***\/ "path"` starts each module). */
function bundleModules(bundlePath: string | undefined): ((line: number) => string | undefined) | undefined {
  if (!bundlePath) return undefined;
  const starts: Array<[number, string]> = [];
  fs.readFileSync(bundlePath, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      const match = /^\/\*\*\*\/ "(.+)"/.exec(text);
      if (match) starts.push([index, match[1].replace(/^(\.\.\/)+main\//, '').replace(/^\.\//, '')]);
    });
  return (line) => {
    let found: string | undefined;
    for (const [start, module] of starts) {
      if (start > line) break;
      found = module;
    }
    return found;
  };
}

export function summarize(file: string, top: number, moduleOf?: (line: number) => string | undefined, extraPhases: string[] = []): Summary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  if (moduleOf) {
    for (const node of profile.nodes) {
      if (!/workflow-bundle/.test(node.callFrame.url)) continue;
      const module = moduleOf(node.callFrame.lineNumber);
      if (module) node.callFrame.url = module.startsWith('node_modules/') ? `/${module}` : `/bundle/${module}`;
    }
  }
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let sampled = 0;
  let idle = 0;
  for (const [id, ms] of self) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    sampled += ms;
    if (frame.functionName === '(idle)') idle += ms;
    const category = categoryOf(frame);
    byCategory.set(category, (byCategory.get(category) ?? 0) + ms);
    const key = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
  }
  const busy = sampled - idle;
  // Inclusive: a sample counts once for a phase function found anywhere on its stack.
  const inclusive = new Map<string, number>();
  const stackNames = new Map<number, Set<string>>();
  const namesOf = (id: number): Set<string> => {
    const known = stackNames.get(id);
    if (known) return known;
    const up = parent.get(id);
    const names = new Set(up === undefined ? [] : namesOf(up));
    names.add((byId.get(id) as ProfileNode).callFrame.functionName);
    stackNames.set(id, names);
    return names;
  };
  for (const [id, ms] of self) {
    const names = namesOf(id);
    for (const fn of [...phases, ...extraPhases]) if (names.has(fn)) inclusive.set(fn, (inclusive.get(fn) ?? 0) + ms);
  }
  const pct = (ms: number): number => Math.round((1000 * ms) / Math.max(busy, 1e-9)) / 10;
  return {
    file,
    wallMs: Math.round((profile.endTime - profile.startTime) / 1000),
    sampledMs: Math.round(sampled),
    busyMs: Math.round(busy),
    byCategory: [...byCategory]
      .sort((a, b) => b[1] - a[1])
      .map(([category, ms]) => ({ category, ms: Math.round(ms), percentOfBusy: category === 'idle' ? Number.NaN : pct(ms) })),
    topFunctions: [...byFunction]
      .filter(([fn]) => !fn.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, ms]) => ({ fn, ms: Math.round(ms) })),
    inclusive: [...inclusive].sort((a, b) => b[1] - a[1]).map(([fn, ms]) => ({ fn, ms: Math.round(ms), percentOfBusy: pct(ms) })),
  };
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '');
}

function filesOf(target: string): string[] {
  if (!fs.statSync(target).isDirectory()) return [target];
  return fs
    .readdirSync(target)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => path.join(target, name));
}

function main(): void {
  const args = process.argv.slice(2);
  const top = Number(args.find((arg) => arg.startsWith('--top='))?.slice(6) ?? 25);
  const files = args.filter((arg) => !arg.startsWith('--')).flatMap(filesOf);
  const moduleOf = bundleModules(args.find((arg) => arg.startsWith('--bundle='))?.slice(9));
  const extra = (args.find((arg) => arg.startsWith('--fn='))?.slice(5) ?? '').split(',').filter(Boolean);
  const summaries = files.map((file) => summarize(file, top, moduleOf, extra));
  if (args.includes('--json')) {
    console.log(JSON.stringify(summaries, null, 2));
    return;
  }
  for (const s of summaries) {
    console.log(`\n== ${s.file}: wall ${s.wallMs} ms, busy ${s.busyMs} ms (${Math.round((100 * s.busyMs) / Math.max(s.wallMs, 1))} % of a core)`);
    console.log('-- self time by category');
    for (const c of s.byCategory) console.log(`${String(c.ms).padStart(8)} ms ${Number.isNaN(c.percentOfBusy) ? '      ' : `${c.percentOfBusy.toFixed(1).padStart(5)} %`}  ${c.category}`);
    console.log('-- inclusive time of phase functions (a function found anywhere on the stack)');
    for (const c of s.inclusive) console.log(`${String(c.ms).padStart(8)} ms ${c.percentOfBusy.toFixed(1).padStart(5)} %  ${c.fn}`);
    console.log(`-- top ${top} functions by self time`);
    for (const f of s.topFunctions) console.log(`${String(f.ms).padStart(8)} ms  ${f.fn}`);
  }
}

main();
