import { waitUntilServing } from '../../src/temporal/dev-server';
import { freePort } from '../support/ports';

test('waitUntilServing gives up as soon as the server process has exited', async () => {
  const port = await freePort();
  await expect(waitUntilServing(port, Date.now() + 60_000, () => true)).rejects.toThrow('exited before it served');
});

test('waitUntilServing names the port when nothing serves there by the deadline', async () => {
  const port = await freePort();
  await expect(waitUntilServing(port, Date.now() + 500, () => false)).rejects.toThrow(`did not serve on port ${port} in time: nothing listening`);
});
