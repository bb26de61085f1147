import type { GenerationEvent, GenerationEventBody } from '../../../src/shared/events';

const EPOCH = Date.parse('2026-03-01T12:00:00.000Z');

/** A distinct, readable timestamp per step, so tests can tell which event set a field. */
export function at(second: number): string {
  return new Date(EPOCH + second * 1000).toISOString();
}

/** Numbers the bodies 1..n as the log would, with event i stamped at(i). */
export function sequence(bodies: GenerationEventBody[], firstSeq = 1): GenerationEvent[] {
  return bodies.map((body, i) => ({ ...body, seq: firstSeq + i, at: at(firstSeq + i) }) as GenerationEvent);
}

/** Freezes a value and everything reachable from it, so any write in the code under test throws. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  // Recurse even into frozen objects: initialState is frozen only at its top level.
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}

/** mulberry32: a tiny seeded generator, so a failing random sequence can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A plausible but random run of a generation: tools detected, started, failed and retried,
 * iterations, superseded attempts, plus events for unknown tools and of an unknown type.
 */
export function randomBodies(random: () => number, count: number): GenerationEventBody[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const bodies: GenerationEventBody[] = [{ type: 'generation.started', generationId: 'gen-r', prompt: 'p', model: 'claude-haiku-4-5', maxIterations: 9 }];
  const toolIds: string[] = [];
  let iteration = 0;
  while (bodies.length < count) {
    const roll = random();
    const toolId = toolIds.length > 0 && random() < 0.9 ? pick(toolIds) : 'toolu_unknown';
    const attempt = 1 + Math.floor(random() * 3);
    if (roll < 0.1) {
      iteration += 1;
      bodies.push({ type: 'iteration.started', iteration });
    } else if (roll < 0.35) {
      bodies.push({ type: 'text.delta', iteration, attempt, text: pick(['a', 'bc', ' ', 'déf', '—', '\n']) });
    } else if (roll < 0.4) {
      bodies.push({ type: 'attempt.superseded', iteration, attempt });
    } else if (roll < 0.5) {
      const id = `toolu_${toolIds.length}`;
      toolIds.push(id);
      bodies.push({ type: 'tool.detected', toolUseId: id, name: pick(['write_file', 'read_file']), input: { n: toolIds.length }, iteration, summary: id });
    } else if (roll < 0.62) {
      bodies.push({ type: 'tool.started', toolUseId: toolId, attempt });
    } else if (roll < 0.72) {
      bodies.push({ type: 'tool.failed', toolUseId: toolId, attempt, error: `failed ${attempt}`, willRetry: random() < 0.5 });
    } else if (roll < 0.8) {
      bodies.push({ type: 'tool.completed', toolUseId: toolId, attempt, resultPreview: `ok ${attempt}`, durationMs: 5 });
    } else if (roll < 0.87) {
      bodies.push({
        type: 'iteration.completed',
        iteration,
        usage: { inputTokens: 10, outputTokens: Math.floor(random() * 50), cacheReadInputTokens: 1, cacheCreationInputTokens: 0 },
        costUsd: pick([0.1, 0.2, 0.0000013, 0.3]),
        stopReason: pick(['tool_use', 'end_turn']),
      });
    } else if (roll < 0.95) {
      bodies.push({ type: 'activity.changed', activity: { kind: pick(['thinking', 'streaming', 'idle'] as const), tools: [] } });
    } else {
      bodies.push({ type: 'from.the.future', detail: roll } as unknown as GenerationEventBody);
    }
  }
  return bodies;
}
