import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropic } from '../src/fake-anthropic';
(async () => {
  const big = 'x'.repeat(3 * 1024 * 1024);
  const fake = await startFakeAnthropic({ defaultScenario: [{ steps: [{ type: 'text', text: 'Writing. ' }, { type: 'tool_use', id: 't', name: 'write_file', input: { path: 'a', content: big } }], jsonChunking: 65536 }] });
  const client = new Anthropic({ apiKey: 'x', baseURL: fake.url, maxRetries: 0 });
  const t0 = Date.now();
  const stream = await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], stream: true });
  let n = 0;
  for await (const ev of stream) { n++; if (n < 4 || ev.type === 'content_block_stop') console.log(Date.now() - t0, ev.type); }
  console.log('events', n, Date.now() - t0);
  await fake.close();
})();
