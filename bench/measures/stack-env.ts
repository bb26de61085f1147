/**
 * Extra settings for every stack the measures start, from BENCH_STACK_ENV (a JSON object of
 * TOOLSTREAM_* variables), so a tuning experiment needs no code change:
 *   BENCH_STACK_ENV='{"TOOLSTREAM_TEXT_BATCH_MS":"250"}' npm run bench -- --only dispatch-latency --out tmp
 * A measure's own settings (the after-stream mode, event delivery's batch interval) still win.
 */
export function stackEnv(own: Record<string, string> = {}): Record<string, string> {
  return { ...extraStackEnv(), ...own };
}

export function extraStackEnv(): Record<string, string> {
  const raw = process.env.BENCH_STACK_ENV;
  if (raw === undefined || raw.trim() === '') return {};
  const parsed: unknown = JSON.parse(raw);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((value) => typeof value !== 'string')) {
    throw new Error('BENCH_STACK_ENV must be a JSON object of strings, e.g. {"TOOLSTREAM_TEXT_BATCH_MS":"250"}');
  }
  return parsed as Record<string, string>;
}
