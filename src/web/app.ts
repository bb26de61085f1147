/**
 * The browser side of the web view, bundled by esbuild (src/server/web-routes.ts) so it runs the very
 * reducer and formatting of src/shared rather than a copy. Two pages: `/` lists generations and starts
 * one; `/generations/<id>` follows one live over EventSource, which reconnects by itself with Last-Event-ID.
 */
import { applyLiveEvent, emptyLiveView, liveViewFromSnapshot, type LiveView } from '../shared/live-view';
import type { GenerationEvent } from '../shared/events';
import type { GenerationState, ToolState } from '../shared/state';
import { describeDoing, formatStatusLine, statusFigures } from '../shared/status-line';
import { formatDuration, toolDurationMs, toolIcon } from '../shared/tool-row';

const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? localStorage.getItem('toolstream-token') ?? '';
if (token) localStorage.setItem('toolstream-token', token);
const temporalUi = document.body.dataset.temporalUi ?? 'http://127.0.0.1:8233';
const $ = <T extends HTMLElement>(selector: string): T => document.querySelector(selector) as T;

async function api<T>(method: string, route: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json().catch(() => ({}))) as T & { error?: { code: string; message: string } };
  if (!res.ok) throw new Error(`${res.status} ${json.error?.code ?? ''}: ${json.error?.message ?? res.statusText}`);
  return json;
}

function showError(err: unknown): void {
  $('#message').textContent = (err as Error).message;
}

function el(tag: string, props: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

// ---- the list page ----
interface Summary {
  id: string;
  status: string;
  title: string;
  iteration: number;
  costUsd: number | null;
  startedAt: string | null;
}

async function listPage(): Promise<void> {
  $('#start').addEventListener('submit', (submit) => {
    submit.preventDefault();
    const form = new FormData(submit.target as HTMLFormElement);
    const maxIterations = Number(form.get('maxIterations'));
    const model = String(form.get('model') ?? '').trim();
    api<{ id: string }>('POST', '/v1/generations', { prompt: form.get('prompt'), ...(model ? { model } : {}), ...(maxIterations ? { maxIterations } : {}) })
      .then((created) => location.assign(`/generations/${created.id}`))
      .catch(showError);
  });
  for (;;) {
    try {
      const page = await api<{ generations: Summary[] }>('GET', '/v1/generations?limit=50');
      $('#generations').replaceChildren(
        ...page.generations.map((g) =>
          el('tr', {}, el('td', {}, el('a', { href: `/generations/${g.id}` }, g.title || g.id)), el('td', {}, g.status), el('td', {}, String(g.iteration)), el('td', {}, g.costUsd === null ? 'unknown' : `$${g.costUsd.toFixed(4)}`), el('td', {}, g.startedAt ?? '')),
        ),
      );
    } catch (err) {
      showError(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

// ---- the live page ----
const terminal = new Set(['generation.completed', 'generation.failed', 'generation.cancelled']);

function livePage(id: string): void {
  let view: LiveView = emptyLiveView;
  let source: EventSource | undefined;
  let finished = false;
  /** Every event seq as it arrived, in order: tests read it (window.toolstreamReceivedSeqs) to check nothing was lost or doubled. */
  const received: number[] = [];
  (window as unknown as { toolstreamReceivedSeqs: number[] }).toolstreamReceivedSeqs = received;
  const openedTools = new Set<string>();
  $('#temporal-link').setAttribute('href', `${temporalUi}/namespaces/default/workflows/gen-${id}`);

  const connect = (): void => {
    source?.close();
    finished = false;
    const query = `after=${view.state.lastSeq}${token ? `&access_token=${encodeURIComponent(token)}` : ''}`;
    source = new EventSource(`/v1/generations/${id}/stream?${query}`);
    source.addEventListener('snapshot', (message) => {
      view = liveViewFromSnapshot(JSON.parse(message.data) as GenerationState);
      render();
    });
    source.onmessage = null;
    const opened = source;
    opened.onerror = () => {
      $('#connection').textContent = 'reconnecting…';
      // EventSource retries by itself after a dropped connection, but gives up for good on an HTTP error
      // (a proxy's 502 while the API restarts): then it is opened again, from the last seq applied.
      if (opened.readyState === EventSource.CLOSED && !finished) setTimeout(() => source === opened && connect(), 2_000);
    };
    opened.onopen = () => ($('#connection').textContent = 'live');
    for (const type of eventTypes) {
      opened.addEventListener(type, (message) => {
        const event = JSON.parse(message.data) as GenerationEvent;
        received.push(event.seq);
        if (event.type === 'iteration.started') iterationStarts.set(event.iteration, Date.parse(event.at));
        if (event.type === 'iteration.completed') iterationEnds.set(event.iteration, Date.parse(event.at));
        view = applyLiveEvent(view, event);
        if (terminal.has(event.type) && view.state.lastSeq === event.seq) {
          finished = true;
          source?.close();
          $('#connection').textContent = 'finished';
        }
        render();
      });
    }
  };

  const command = (route: string, body?: unknown) => (): void => {
    $('#message').textContent = '';
    api('POST', `/v1/generations/${id}${route}`, body)
      .then(() => {
        // A message reopens a finished generation: listen again.
        if (route === '/messages' || route === '/resume') connect();
      })
      .catch(showError);
  };
  $('#cancel').addEventListener('click', command('/cancel'));
  $('#resume').addEventListener('click', command('/resume'));
  $('#say').addEventListener('submit', (submit) => {
    submit.preventDefault();
    const input = $<HTMLInputElement>('#say-text');
    command('/messages', { text: input.value })();
    input.value = '';
  });

  function render(): void {
    const now = Date.now();
    const { state } = view;
    $('#status-line').textContent = formatStatusLine(statusFigures(state, now));
    $('#activity').textContent = describeDoing(state) || state.status;
    $('#title').textContent = state.prompt.split('\n', 1)[0] || id;
    $('#text').textContent = view.text;
    $('#thinking').hidden = state.activity.kind !== 'thinking';
    $('#thinking-text').textContent = state.thinking ?? '';
    $('#thinking-block').hidden = !state.thinking;
    $('#tools').replaceChildren(
      ...state.tools.map((tool) => {
        const duration = toolDurationMs(tool, now);
        const details = el('details', {}, el('summary', {}, 'input and result'), el('pre', {}, JSON.stringify(tool.input, null, 2)), el('pre', {}, tool.resultPreview ?? tool.error ?? ''));
        if (openedTools.has(tool.id)) details.setAttribute('open', '');
        details.addEventListener('toggle', () => ((details as HTMLDetailsElement).open ? openedTools.add(tool.id) : openedTools.delete(tool.id)));
        const buttons = toolCommands(tool).map((decision) => {
          const button = el('button', { type: 'button', 'data-decision': decision, 'aria-label': `${decision} ${tool.summary}` }, decision);
          button.addEventListener('click', command(`/tools/${tool.id}/${decision}`));
          return button;
        });
        return el(
          'tr',
          { 'data-tool': tool.id, 'data-status': tool.status },
          el('td', { 'aria-label': tool.status }, toolIcon(tool)),
          el('td', {}, tool.name),
          el('td', {}, tool.summary),
          el('td', {}, String(tool.attempts)),
          el('td', {}, duration === null ? '' : formatDuration(duration)),
          el('td', {}, details),
          el('td', {}, ...buttons),
        );
      }),
    );
    renderTimeline(view, now);
  }

  connect();
  setInterval(render, 500);
}

/** The per-tool commands that apply to the tool as it stands (the API refuses the others with 409). */
function toolCommands(tool: ToolState): string[] {
  if (tool.awaitingDecisionUntil !== null) return ['retry', 'skip'];
  // Helper statuses newer than this page's types (a tool awaiting approval) are matched by name.
  if ((tool.status as string) === 'awaiting_approval') return ['approve', 'deny'];
  if (tool.status === 'pending' || tool.status === 'running') return ['cancel'];
  return [];
}

/** One bar per iteration (the model's stream) and one per tool under it, on one time axis. */
function renderTimeline(view: LiveView, now: number): void {
  const start = view.state.startedAt ? Date.parse(view.state.startedAt) : now;
  const end = view.state.finishedAt ? Date.parse(view.state.finishedAt) : now;
  const span = Math.max(1, end - start);
  const bar = (label: string, from: number, to: number, kind: string): HTMLElement =>
    el('div', { class: `bar ${kind}`, style: `margin-left:${((from - start) / span) * 100}%;width:${Math.max(0.5, ((to - from) / span) * 100)}%`, title: label }, label);
  const rows: HTMLElement[] = [];
  for (let iteration = 1; iteration <= view.state.iteration; iteration++) {
    const tools = view.state.tools.filter((tool) => tool.iteration === iteration);
    const from = iterationStarts.get(iteration) ?? start;
    const to = iterationEnds.get(iteration) ?? now;
    rows.push(bar(`iteration ${iteration}`, from, to, 'model'));
    for (const tool of tools) rows.push(bar(tool.summary, Date.parse(tool.startedAt ?? tool.detectedAt), tool.completedAt ? Date.parse(tool.completedAt) : now, `tool ${tool.status}`));
  }
  $('#timeline').replaceChildren(...rows);
}

// Iteration times are not in the state; they are taken from the events as they pass.
const iterationStarts = new Map<number, number>();
const iterationEnds = new Map<number, number>();
const eventTypes = [
  'generation.started', 'iteration.started', 'activity.changed', 'text.delta', 'thinking.delta', 'attempt.superseded', 'usage.updated', 'attempt.failed', 'tool.detected', 'tool.started',
  'tool.completed', 'tool.failed', 'tool.interrupted', 'tool.awaiting_decision', 'tool.decided', 'tool.awaiting_approval', 'tool.approved', 'tool.denied', 'tool.cancelled', 'iteration.completed',
  'generation.blocked', 'generation.resumed', 'message.received', 'generation.completed', 'generation.failed', 'generation.cancelled',
];

const match = /^\/generations\/([A-Za-z0-9_-]+)$/.exec(location.pathname);
if (match) livePage(match[1]);
else void listPage();
