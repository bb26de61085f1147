import fs from 'node:fs';

/**
 * Counts the dev server's requests by operation while a bench runs beside it, from its Prometheus
 * endpoint (`service_requests`), to tell what the server's CPU goes to per generation:
 *   node --import tsx bench/dev/temporal-requests.ts <bench-log> [--every=1000] > counts.json
 * Waits for the `Temporal Metrics: http://…/metrics` line the bench's dev server prints into the log,
 * scrapes until the endpoint stops answering (the bench closed the server) or a SIGTERM comes, and
 * prints, per service and operation, the requests counted between the first and the last scrape, with
 * every scrape.
 */
type Counts = Record<string, number>;

async function scrape(url: string): Promise<Counts | undefined> {
  try {
    const text = await (await fetch(url, { signal: AbortSignal.timeout(2000) })).text();
    const counts: Counts = {};
    for (const line of text.split('\n')) {
      const match = /^service_requests\{([^}]*)\} (\S+)/.exec(line);
      if (!match) continue;
      // One request is counted by each service it passes (frontend, then history or matching).
      const operation = /operation="([^"]+)"/.exec(match[1])?.[1] ?? '?';
      const service = /service_name="([^"]+)"/.exec(match[1])?.[1] ?? '?';
      const key = `${service} ${operation}`;
      counts[key] = (counts[key] ?? 0) + Number(match[2]);
    }
    return counts;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const [logPath] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const everyMs = Number(process.argv.find((arg) => arg.startsWith('--every='))?.slice(8) ?? 1000);
  let stopped = false;
  process.once('SIGTERM', () => (stopped = true));
  let url: string | undefined;
  while (!url && !stopped) {
    url = /Temporal Metrics:\s+(http:\S+)/.exec(fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8') : '')?.[1];
    if (!url) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const snapshots: Array<{ at: string; counts: Counts }> = [];
  while (url && !stopped) {
    const counts = await scrape(url);
    if (!counts) break;
    snapshots.push({ at: new Date().toISOString(), counts });
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  const first = snapshots[0];
  const last = snapshots[snapshots.length - 1];
  const delta: Counts = {};
  for (const [operation, n] of Object.entries(last?.counts ?? {})) delta[operation] = n - (first?.counts[operation] ?? 0);
  console.log(JSON.stringify({ url, from: first?.at, to: last?.at, delta, snapshots }, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
