import { startFakeAnthropic, type FakeAnthropicOptions, type FakeAnthropicServer } from '../../src/fake-anthropic';
import { reportLoopStats, sendToParent, serveParent } from './child-entry';

/**
 * The body of a fake-model child process (see child-process.ts): starts the fake model, reports its
 * event loop every `statsMs`, answers `{type: 'summary'}` with how its streams went (and what `more`
 * adds) before forgetting them, and says `ready` with its URL. A failure to start exits the process.
 */
export function runFakeModelChild(options: () => FakeAnthropicOptions, statsMs: number, more: (fake: FakeAnthropicServer) => Record<string, unknown> = () => ({})): void {
  main(options, statsMs, more).catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}

async function main(options: () => FakeAnthropicOptions, statsMs: number, more: (fake: FakeAnthropicServer) => Record<string, unknown>): Promise<void> {
  const fake = await startFakeAnthropic(options());
  const stopStats = reportLoopStats(statsMs);
  serveParent(
    (message) => {
      if (message.type !== 'summary') return;
      sendToParent({
        type: 'summary',
        responses: fake.responses.length,
        unfinished: fake.responses.filter((r) => r.endedAt === undefined).length,
        nonOk: fake.responses.filter((r) => r.status !== 200).length,
        ...more(fake),
      });
      fake.responses.length = 0;
      fake.requests.length = 0;
    },
    async () => {
      stopStats();
      await fake.close();
    },
  );
  sendToParent({ type: 'ready', pid: process.pid, url: fake.url });
}
