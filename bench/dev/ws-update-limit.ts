// Throwaway: does baseline (c) with 10 subscribers survive one long turn (Temporal's 2,000 updates per run)?
import { startWorkflowStreamsBaseline } from '../baselines/workflow-streams/baseline';
import { countHistory } from '../measures/history-cost';
import { startTemporal } from '../lib/stack';

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 40);
  const temporal = await startTemporal();
  const text = 'Streaming one long answer to many subscribers. '.repeat(Math.ceil((seconds * 50 * 4) / 47)).slice(0, seconds * 50 * 4);
  const baseline = await startWorkflowStreamsBaseline(temporal, { long: [{ steps: [{ type: 'text', text }], tokensPerSecond: 50 }] });
  const t0 = Date.now();
  try {
    const run = await baseline.run('[[scenario:long]] go', { model: 'claude-sonnet-5-5', subscribers: 10, batchMs: 100 });
    const h = await countHistory(temporal.env.client, run.workflowId, run.firstRunId);
    console.log(JSON.stringify({ seconds: (Date.now() - t0) / 1000, items: run.itemsPerSubscriber, events: h.events, runs: h.runs, byType: h.byType }));
  } catch (err) {
    console.log('FAILED after', (Date.now() - t0) / 1000, 's:', (err as Error).name, (err as Error).message, (err as { cause?: Error }).cause?.message);
  } finally {
    await baseline.close();
    await temporal.close();
  }
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
