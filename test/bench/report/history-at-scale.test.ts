import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { temporal as proto } from '@temporalio/proto';
import type { HistoryAtScale, HistoryAtScaleBaseline, HistoryAtScaleIteration } from '../../../bench/lib/results';
import { attributeHistory, attributeStore, fileContent, forEachPayload, historyAtScaleScenario, summarizeScale } from '../../../bench/measures/history-at-scale';
import { historyAtScaleSvg } from '../../../bench/report/bytes-svg';
import { renderPage } from '../../../bench/report/render-page';
import { judgeScale, resultRows, Verdict } from '../../../bench/report/targets';
import { writeReport } from '../../../bench/report/write-report';

const baselineFile = path.resolve(__dirname, '../../../bench/baselines/old-design-history.json');
const oldBaseline = JSON.parse(fs.readFileSync(baselineFile, 'utf8')) as HistoryAtScaleBaseline;

/** What the new design should produce: flat history, small payloads, stored bytes tracking the new content. */
function syntheticNewDesign(iterations = 100, wobble = 0.05, storedGrowthPerIteration = 0): HistoryAtScale {
  const rows: HistoryAtScaleIteration[] = Array.from({ length: iterations + 1 }, (_, i) => {
    const iteration = i + 1;
    const newContentBytes = iteration <= iterations ? 200_000 : 0;
    const storedBytes = newContentBytes === 0 ? 2_000 : Math.round(410_000 * (1 + i * storedGrowthPerIteration) * (1 + (i % 2 === 0 ? wobble : -wobble)));
    return {
      iteration,
      historyBytes: 30_000 + (i % 3) * 500,
      historyEvents: 24,
      largestPayloadBytes: 4_000,
      storedBytes,
      newContentBytes,
      ...(newContentBytes > 0 ? { storedPerNewContent: storedBytes / newContentBytes } : {}),
    };
  });
  return summarizeScale(rows, {
    iterationsPlanned: iterations,
    iterationsCompleted: iterations + 1,
    fileBytes: 100_000,
    outcome: 'completed',
    iterationTimeoutMs: 60_000,
    wallMs: 120_000,
    runs: 1,
    storeDir: { path: '/tmp/x/store', existed: true, totalBytes: 41_000_000, files: 600 },
  });
}

const scaleRow = (rows: ReturnType<typeof resultRows>) => rows.find((row) => row.measure.startsWith('7.'));

test('the recorded old design misses every target of measure 7 and says where it broke', () => {
  const old = oldBaseline.historyAtScale;
  expect(old.iterationsCompleted).toBeLessThan(old.iterationsPlanned);
  expect(old.breakage).toMatch(/PAYLOADS_TOO_LARGE|too large|exceeded/i);
  expect(judgeScale(old)).toEqual({ completed: false, payload: false, flat: false, proportional: false });
  expect(oldBaseline.commit).toMatch(/^[0-9a-f]{40}$/);
});

test('a flat new design passes; growth past 1.2 ×, a large payload or an unsteady store misses', () => {
  const good = syntheticNewDesign();
  expect(good.historyGrowth).toBeLessThanOrEqual(1.2);
  // Each iteration is compared with what the store gains in the next; the last one (followed by the archive) is left out.
  expect(good.storedPerNewContent?.count).toBe(99);
  expect(scaleRow(resultRows({ historyAtScale: good }, { oldHistory: oldBaseline }))).toMatchObject({ verdict: Verdict.pass, baselines: expect.stringContaining('old design') });

  const growing = syntheticNewDesign();
  growing.iterations.forEach((it) => (it.historyBytes = 30_000 + it.iteration * 1_000));
  expect(scaleRow(resultRows({ historyAtScale: summarizeScale(growing.iterations, growing) }))?.verdict).toBe(Verdict.miss);

  const bigPayload = syntheticNewDesign();
  bigPayload.iterations[5].largestPayloadBytes = 200_000;
  expect(scaleRow(resultRows({ historyAtScale: summarizeScale(bigPayload.iterations, bigPayload) }))?.verdict).toBe(Verdict.miss);

  // Jitter between neighbouring iterations is attribution noise; stored bytes per new byte that grow with the conversation are not.
  expect(scaleRow(resultRows({ historyAtScale: syntheticNewDesign(100, 0.5) }))?.verdict).toBe(Verdict.pass);
  expect(scaleRow(resultRows({ historyAtScale: syntheticNewDesign(100, 0.05, 0.02) }))?.verdict).toBe(Verdict.miss);
});

test('without new figures the page still shows the old design, and says the new ones were not measured', () => {
  const page = renderPage({ quick: false }, { historyAtScale: 'perf/history-at-scale.svg' }, 'kept', { oldHistory: oldBaseline });
  expect(scaleRow(resultRows({}, { oldHistory: oldBaseline }))?.verdict).toBe(Verdict.notRun);
  expect(page).toContain('### 7. History and storage at scale');
  expect(page).toContain('*Not measured in this run*');
  expect(page).toContain('Per iteration, old design');
  expect(page).toContain('![History and stored bytes per iteration](perf/history-at-scale.svg)');
  // No baseline and no run: no section at all.
  expect(renderPage({ quick: false }, {}, 'kept')).not.toContain('### 7.');
});

test('the picture draws both designs, or the old one alone with a note', () => {
  const both = historyAtScaleSvg(syntheticNewDesign(), { label: 'old design', run: oldBaseline.historyAtScale });
  expect(both).toContain('history bytes per iteration (old design)');
  expect(both).toContain('stored bytes per iteration');
  expect(both).toContain('stuck after iteration');
  expect(both).not.toContain('NaN');
  const oldOnly = historyAtScaleSvg(undefined, { label: 'old design', run: oldBaseline.historyAtScale });
  expect(oldOnly).toContain('current design: not measured in this run');
  expect(oldOnly).not.toContain('NaN');
  expect(historyAtScaleSvg(undefined, undefined)).not.toContain('NaN');
});

test('writeReport writes the picture from the baseline file when the measure did not run', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolstream-report-test-'));
  try {
    const written = writeReport({ quick: true }, { page: path.join(dir, 'PERFORMANCE.md'), pictures: path.join(dir, 'perf'), oldHistoryBaseline: baselineFile });
    expect(written).toContain(path.join(dir, 'perf', 'history-at-scale.svg'));
    expect(fs.readFileSync(path.join(dir, 'PERFORMANCE.md'), 'utf8')).toContain('perf/history-at-scale.svg');
    const withoutBaseline = writeReport({ quick: true }, { page: path.join(dir, 'other.md'), pictures: path.join(dir, 'perf2'), oldHistoryBaseline: path.join(dir, 'absent.json') });
    expect(withoutBaseline.some((file) => file.endsWith('history-at-scale.svg'))).toBe(false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('history events are attributed from one model call to the next, and payloads are found at any depth', () => {
  const payload = (bytes: number) => ({ metadata: { encoding: Buffer.from('json/plain') }, data: new Uint8Array(bytes) });
  const modelCall = (turn: number, inputBytes: number) => ({
    eventType: proto.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    activityTaskScheduledEventAttributes: { activityType: { name: 'streamModelTurn' }, input: { payloads: [payload(inputBytes)] } },
    userMetadata: { summary: { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(`model turn ${turn} (m)`)) } },
  });
  const signal = (bytes: number) => ({ eventType: proto.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, workflowExecutionSignaledEventAttributes: { input: { payloads: [payload(bytes)] } } });
  const start = { eventType: proto.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, workflowExecutionStartedEventAttributes: { input: { payloads: [payload(10)] } } };
  const byIteration = attributeHistory([{ events: [start, modelCall(1, 100), signal(50)] }, { events: [start, modelCall(2, 300), signal(20)] }]);
  expect([...byIteration.keys()]).toEqual([1, 2]);
  // The second run's start counts for the iteration in progress (1), before turn 2's model call.
  expect(byIteration.get(1)?.events).toBe(4);
  expect(byIteration.get(2)?.events).toBe(2);
  expect(byIteration.get(2)?.largestPayload).toBeGreaterThanOrEqual(300);

  const sizes: number[] = [];
  forEachPayload({ a: [{ b: { c: payload(7) } }], d: payload(9) }, (p) => sizes.push(p.data?.length ?? 0));
  expect(sizes.sort()).toEqual([7, 9]);
});

test('store files are attributed to iterations by mtime; a missing store counts 0', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolstream-store-test-'));
  try {
    expect(attributeStore(path.join(dir, 'absent'), [])).toMatchObject({ existed: false, totalBytes: 0 });
    const starts = [
      { iteration: 1, at: 1_000_000 },
      { iteration: 2, at: 2_000_000 },
    ];
    const put = (name: string, bytes: number, atMs: number): void => {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), Buffer.alloc(bytes));
      fs.utimesSync(path.join(dir, name), atMs / 1000, atMs / 1000);
    };
    put('early', 5, 500_000);
    put('a/one', 10, 1_500_000);
    put('b/c/two', 20, 2_500_000);
    const stored = attributeStore(dir, starts);
    expect(stored).toMatchObject({ existed: true, totalBytes: 35, files: 3 });
    expect(stored.perIteration.get(1)).toBe(15);
    expect(stored.perIteration.get(2)).toBe(20);
    // Files from before the generation (an outside store directory) are not counted.
    expect(attributeStore(dir, starts, 1_000_000)).toMatchObject({ totalBytes: 30, files: 2 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the scenario is a function of the request: turn N writes and reads file N + 1, then it ends', () => {
  const scenario = historyAtScaleScenario({ iterations: 3, fileBytes: 1_000 });
  if (typeof scenario !== 'function') throw new Error('expected a function scenario');
  const request = { model: 'm', max_tokens: 1, messages: [] };
  const first = scenario(request, { turn: 0, callIndex: 0 });
  expect(first.steps.map((s) => s.type)).toEqual(['text', 'tool_use', 'tool_use']);
  expect(first.steps[1]).toMatchObject({ name: 'write_file', input: { content: fileContent(1, 1_000) } });
  expect(fileContent(1, 1_000)).toHaveLength(1_000);
  expect(fileContent(2, 1_000)).not.toBe(fileContent(1, 1_000));
  expect(scenario(request, { turn: 3, callIndex: 9 })).toMatchObject({ stopReason: 'end_turn' });
});
