import { Router } from 'express';
import type { ApiMetrics } from '../api-metrics';
import type { GenerationCommands } from '../generation-commands';
import type { GenerationFollowers } from '../generation-followers';
import { readGeneration } from '../generation-reads';
import type { GenerationService } from '../generation-service';
import { readEventsWaiting } from '../long-poll';
import { sendPage } from '../page-json';
import { cancelBody, createGenerationBody, denyToolBody, emptyBody, generationIdParam, parseOr400, sendMessageBody, toolUseIdParam, transcriptQueryParams } from '../request-schemas';
import { generationIdForKey } from '../idempotency';
import { streamGeneration, type StreamOptions } from './generation-stream';

export function generationsRouter(
  generations: GenerationService,
  commands: GenerationCommands,
  followers: GenerationFollowers,
  streamOptions: StreamOptions & { metrics?: ApiMetrics } = {},
): Router {
  const router = Router();
  const { metrics } = streamOptions;
  // Noted for the access log, which writes its line after the router is done with the request.
  router.param('id', function noteGenerationId(_req, res, next, id: string) {
    res.locals.generationId = id;
    next();
  });
  router.param('toolUseId', function noteToolUseId(_req, res, next, toolUseId: string) {
    res.locals.toolUseId = toolUseId;
    next();
  });

  router.post('/', async function createGeneration(req, res) {
    const body = parseOr400(createGenerationBody, req.body, 'body');
    const key = req.get('idempotency-key');
    // Scoped by task queue: two deployments sharing a namespace keep their keys apart.
    const keyedId = key === undefined ? undefined : generationIdForKey(key, generations.scope);
    try {
      const { generation, started } = await generations.create(body, keyedId);
      metrics?.generationsCreated.inc({ outcome: started ? 'started' : 'replayed' });
      res.locals.generationId = generation.id;
      res.status(started ? 201 : 200).location(`/v1/generations/${generation.id}`).json(generation);
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status === 409 || status === 429) metrics?.generationsCreated.inc({ outcome: status === 409 ? 'conflict' : 'limited' });
      throw err;
    }
  });

  router.get('/', async function listGenerations(req, res) {
    res.json(await generations.list(req.query));
  });

  router.get('/:id', async function getGeneration(req, res) {
    res.json(await readGeneration(generations, req.params.id));
  });

  router.get('/:id/events', async function getGenerationEvents(req, res) {
    const onHangUp = (listener: () => void): (() => void) => {
      res.once('close', listener);
      return () => res.off('close', listener);
    };
    // Read once: Express 5 parses the query string again on every access of req.query.
    const query = req.query;
    const waiting = query.wait !== undefined && metrics !== undefined;
    if (waiting) metrics.longPolls.inc();
    try {
      sendPage(res, await readEventsWaiting(generations, followers, req.params.id, query, onHangUp));
    } finally {
      if (waiting) metrics.longPolls.dec();
    }
  });

  router.get('/:id/transcript', async function getTranscript(req, res) {
    const id = parseOr400(generationIdParam, req.params.id, 'id');
    const { offset, limit } = parseOr400(transcriptQueryParams, req.query, 'query');
    res.json(await generations.transcript(id, offset, limit));
  });

  router.get('/:id/stream', streamGeneration(generations, followers, streamOptions));

  router.post('/:id/cancel', async function cancelGeneration(req, res) {
    const id = parseOr400(generationIdParam, req.params.id, 'id');
    const { reason } = parseOr400(cancelBody, req.body, 'body');
    res.status(202).json(await commands.cancel(id, reason));
  });

  router.post('/:id/resume', async function resumeGeneration(req, res) {
    const id = parseOr400(generationIdParam, req.params.id, 'id');
    parseOr400(emptyBody, req.body, 'body');
    res.status(202).json(await commands.resume(id));
  });

  router.post('/:id/messages', async function sendMessage(req, res) {
    const id = parseOr400(generationIdParam, req.params.id, 'id');
    const { text } = parseOr400(sendMessageBody, req.body, 'body');
    res.status(202).json(await commands.sendMessage(id, text));
  });

  for (const decision of ['retry', 'skip'] as const) {
    router.post(`/:id/tools/:toolUseId/${decision}`, async function decideTool(req, res) {
      const id = parseOr400(generationIdParam, req.params.id, 'id');
      const toolUseId = parseOr400(toolUseIdParam, req.params.toolUseId, 'toolUseId');
      parseOr400(emptyBody, req.body, 'body');
      res.status(202).json(await commands.decideTool(id, toolUseId, decision));
    });
  }

  router.post('/:id/tools/:toolUseId/approve', async function approveTool(req, res) {
    const id = parseOr400(generationIdParam, req.params.id, 'id');
    const toolUseId = parseOr400(toolUseIdParam, req.params.toolUseId, 'toolUseId');
    parseOr400(emptyBody, req.body, 'body');
    res.status(202).json(await commands.answerApproval(id, toolUseId, true, undefined));
  });

  router.post('/:id/tools/:toolUseId/deny', async function denyTool(req, res) {
    const id = parseOr400(generationIdParam, req.params.id, 'id');
    const toolUseId = parseOr400(toolUseIdParam, req.params.toolUseId, 'toolUseId');
    const { reason } = parseOr400(denyToolBody, req.body, 'body');
    res.status(202).json(await commands.answerApproval(id, toolUseId, false, reason));
  });

  router.post('/:id/tools/:toolUseId/cancel', async function cancelTool(req, res) {
    const id = parseOr400(generationIdParam, req.params.id, 'id');
    const toolUseId = parseOr400(toolUseIdParam, req.params.toolUseId, 'toolUseId');
    parseOr400(emptyBody, req.body, 'body');
    res.status(202).json(await commands.cancelTool(id, toolUseId));
  });

  return router;
}
