import { Router } from 'express';
import type { GenerationCommands } from '../generation-commands';
import type { GenerationFollowers } from '../generation-followers';
import { readGeneration } from '../generation-reads';
import type { GenerationService } from '../generation-service';
import { readEventsWaiting } from '../long-poll';
import { cancelBody, createGenerationBody, denyToolBody, emptyBody, generationIdParam, parseOr400, sendMessageBody, toolUseIdParam, transcriptQueryParams } from '../request-schemas';
import { streamGeneration, type StreamOptions } from './generation-stream';

export function generationsRouter(
  generations: GenerationService,
  commands: GenerationCommands,
  followers: GenerationFollowers,
  streamOptions: StreamOptions = {},
): Router {
  const router = Router();

  router.post('/', async function createGeneration(req, res) {
    const body = parseOr400(createGenerationBody, req.body, 'body');
    const created = await generations.create(body);
    res.status(201).location(`/v1/generations/${created.id}`).json(created);
  });

  router.get('/', async function listGenerations(req, res) {
    res.json(await generations.list(req.query));
  });

  router.get('/:id', async function getGeneration(req, res) {
    res.json(await readGeneration(generations, req.params.id));
  });

  router.get('/:id/events', async function getGenerationEvents(req, res) {
    const hungUp = new AbortController();
    res.on('close', () => hungUp.abort());
    res.json(await readEventsWaiting(generations, followers, req.params.id, req.query, hungUp.signal));
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
