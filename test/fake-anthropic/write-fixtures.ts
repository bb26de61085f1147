// Regenerates test/fixtures/sse/*.sse from fixture-scenarios.ts. Not a test:
//   npx tsx test/fake-anthropic/write-fixtures.ts
import { writeFileSync } from 'fs';
import { join } from 'path';
import { startFakeAnthropic } from '../../src/fake-anthropic';
import { FIXTURE_DIR, FIXTURE_SCENARIOS, fixtureScenarioMap, recordFixture } from './fixture-scenarios';

async function main(): Promise<void> {
  const server = await startFakeAnthropic({ scenarios: fixtureScenarioMap() });
  try {
    for (const name of Object.keys(FIXTURE_SCENARIOS)) {
      const body = await recordFixture(server, name);
      writeFileSync(join(FIXTURE_DIR, `${name}.sse`), body);
      console.log(`wrote ${name}.sse (${body.length} bytes)`);
    }
  } finally {
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
