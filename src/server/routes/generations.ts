import { Router } from 'express';
import type { GenerationService } from '../generation-service';
import { createGenerationBody, eventsQueryParams, generationIdParam, parseOr400 } from '../request-schemas';

export function generationsRouter(generations: GenerationService): Router {
  const router = Router();

  router.post('/', async function createGeneration(req, res) {
    const body = parseOr400(createGenerationBody, req.body, 'body');
    const created = await generations.create(body);
    res.status(201).location(`/v1/generations/${created.id}`).json(created);
  });

  router.get('/:id', async function getGeneration(req, res) {
    const id = parseOr400(generationIdParam, req.params.id, 'id');
    const state = await generations.state(id);
    res.json({ ...state, elapsedMs: elapsedMs(state.startedAt, state.finishedAt) });
  });

  router.get('/:id/events', async function getGenerationEvents(req, res) {
    const id = parseOr400(generationIdParam, req.params.id, 'id');
    const { after, limit } = parseOr400(eventsQueryParams, req.query, 'query');
    res.json(await generations.events(id, after, limit));
  });

  return router;
}

function elapsedMs(startedAt: string | null, finishedAt: string | null): number {
  if (!startedAt) return 0;
  const end = finishedAt ? Date.parse(finishedAt) : Date.now();
  return Math.max(0, end - Date.parse(startedAt));
}
