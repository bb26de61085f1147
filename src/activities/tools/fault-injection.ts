import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ToolRunInput } from '../../shared/model-turn';

/**
 * A test hook for the window the crash suite must hit: a tool's effect is done and its completion
 * is not recorded in Temporal yet. Off unless `TOOLSTREAM_TEST_FAULT_AFTER_EFFECT` is set (the
 * worker reads it only with `TOOLSTREAM_TEST_TOOLS=1`); each call is faulted once, the first time
 * it gets there, which a marker in `TOOLSTREAM_TEST_FAULT_DIR` remembers across worker processes.
 *
 * - `kill`: SIGKILL this worker there.
 * - `pause`: write `<dir>/<toolUseId>.paused` and hold the completion (no heartbeats) until the test
 *   writes `<dir>/<toolUseId>.release`, so it can stop Temporal meanwhile.
 */
export type AfterEffectFault = (input: ToolRunInput) => Promise<void>;

export interface FaultSettings {
  mode: 'kill' | 'pause';
  dir: string;
  /** Tool names faulted; others pass. */
  tools: ReadonlySet<string>;
}

export function faultSettingsFromEnv(env: NodeJS.ProcessEnv): FaultSettings | undefined {
  const mode = env.TOOLSTREAM_TEST_FAULT_AFTER_EFFECT;
  if (mode === undefined || mode === '') return undefined;
  if (mode !== 'kill' && mode !== 'pause') throw new Error(`TOOLSTREAM_TEST_FAULT_AFTER_EFFECT must be kill or pause, not ${mode}`);
  const dir = env.TOOLSTREAM_TEST_FAULT_DIR;
  if (!dir) throw new Error('TOOLSTREAM_TEST_FAULT_AFTER_EFFECT needs TOOLSTREAM_TEST_FAULT_DIR');
  const tools = (env.TOOLSTREAM_TEST_FAULT_TOOLS ?? 'write_file,edit_file,rename_app').split(',').map((name) => name.trim());
  return { mode, dir, tools: new Set(tools) };
}

export function afterEffectFault(settings: FaultSettings): AfterEffectFault {
  mkdirSync(settings.dir, { recursive: true });
  return async (input) => {
    if (!settings.tools.has(input.name)) return;
    const marker = path.join(settings.dir, `${createHash('sha256').update(`${input.generationId}/${input.toolUseId}`).digest('hex')}.fired`);
    if (existsSync(marker)) return;
    writeFileSync(marker, `${input.toolUseId} attempt ${input.attempt}\n`, { flush: true });
    if (settings.mode === 'kill') {
      process.kill(process.pid, 'SIGKILL');
      return;
    }
    writeFileSync(path.join(settings.dir, `${input.toolUseId}.paused`), '', { flush: true });
    const release = path.join(settings.dir, `${input.toolUseId}.release`);
    while (!existsSync(release)) await new Promise((resolve) => setTimeout(resolve, 100));
  };
}
