import type { GenerationService } from './generation-service';
import { eventsQueryParams, generationIdParam, parseOr400 } from './request-schemas';

/**
 * The two reads pollers make, from raw request parts to response body: shared by the Express routes
 * and by the fast read path, so both validate and answer alike.
 */
export async function readGeneration(generations: GenerationService, rawId: unknown) {
  const id = parseOr400(generationIdParam, rawId, 'id');
  const state = await generations.state(id);
  return { ...state, elapsedMs: elapsedMs(state.startedAt, state.finishedAt) };
}

export async function readGenerationEvents(generations: GenerationService, rawId: unknown, rawQuery: unknown) {
  const id = parseOr400(generationIdParam, rawId, 'id');
  const { after, limit } = parseOr400(eventsQueryParams, rawQuery, 'query');
  return generations.events(id, after, limit);
}

function elapsedMs(startedAt: string | null, finishedAt: string | null): number {
  if (!startedAt) return 0;
  const end = finishedAt ? Date.parse(finishedAt) : Date.now();
  return Math.max(0, end - Date.parse(startedAt));
}
