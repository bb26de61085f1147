import { applyLiveEvent, emptyLiveView, liveViewFromSnapshot, type LiveView } from '../shared/live-view';
import type { CliApi } from './cli-api';
import { followStream } from './follow-stream';
import { plainRenderer } from './plain-renderer';
import type { Renderer } from './renderer';
import { ttyRenderer } from './tty-renderer';

/** Exit codes: 0 completed; 1 failed or cancelled; 130 detached with Ctrl-C (the generation goes on). */
export const exitCodes = { completed: 0, unsuccessful: 1, apiError: 2, detached: 130 } as const;

/** Watches a generation to its end on stdout; Ctrl-C detaches and leaves it running. */
export async function watchGeneration(api: CliApi, id: string): Promise<number> {
  const stdout = process.stdout;
  const renderer: Renderer = stdout.isTTY ? ttyRenderer(stdout) : plainRenderer((text) => stdout.write(text));
  let view: LiveView = emptyLiveView;
  const detach = new AbortController();
  const onSigint = (): void => detach.abort();
  process.once('SIGINT', onSigint);
  try {
    await followStream(
      api,
      id,
      (item) => {
        view = item.kind === 'snapshot' ? liveViewFromSnapshot(item.state) : applyLiveEvent(view, item.event);
        renderer.show(view, item);
      },
      detach.signal,
    );
  } catch (err) {
    if (!detach.signal.aborted) {
      renderer.stop(view, `error: ${(err as Error).message}`);
      return exitCodes.apiError;
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  if (detach.signal.aborted) {
    renderer.stop(view, `detached; ${id} goes on (toolstream watch ${id})`);
    return exitCodes.detached;
  }
  renderer.stop(view);
  return view.state.status === 'completed' ? exitCodes.completed : exitCodes.unsuccessful;
}
