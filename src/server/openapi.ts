import { z } from 'zod';
import { GenerationStatus } from '../shared/state';
import { maxWaitMs } from './long-poll';
import { createGenerationBody, sendMessageBody } from './request-schemas';

/** A request body's JSON Schema, generated from the zod schema the route parses it with, so the two cannot drift. */
function fromZod(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return json;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: [type, 'null'], ...extra });
const isoTime = { type: 'string', format: 'date-time' };

const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });
const commonErrors = {
  '401': errorResponse('Missing or wrong bearer token (when TOOLSTREAM_API_TOKEN is set)'),
  '503': { ...errorResponse('Temporal is busy or out of reach; retry after Retry-After seconds'), headers: { 'Retry-After': { schema: { type: 'integer' } } } },
};
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } };
const toolUseIdParam = { name: 'toolUseId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' } };
const accepted = { '202': { description: 'Accepted: the workflow was signalled', content: json(ref('AcceptedCommand')) } };
const notFound = { '404': errorResponse('No such generation') };
const toolNotFound = { '404': errorResponse('No such generation, or no such tool call in its current run') };
const badRequest = { '400': errorResponse('Invalid id, query or body: the message names the field') };

const statuses = Object.values(GenerationStatus);

/**
 * The API's OpenAPI 3.1 document, served at /openapi.json. Response schemas name the fields clients
 * rely on and leave others open (additional properties allowed), so additive changes stay compatible;
 * request bodies come from the zod schemas the routes validate with. test/e2e/openapi.test.ts checks
 * real responses of every route against it.
 */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'toolstream',
    version: '0.1.0',
    description: 'Durable LLM generations on Temporal that start each tool while Claude is still streaming.',
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'TOOLSTREAM_API_TOKEN; only when configured' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
          },
        },
      },
      CreateGenerationBody: fromZod(createGenerationBody),
      SendMessageBody: fromZod(sendMessageBody),
      CancelBody: { type: 'object', properties: { reason: { type: 'string', minLength: 1, maxLength: 1000 } }, additionalProperties: false },
      DenyToolBody: { type: 'object', properties: { reason: { type: 'string', minLength: 1, maxLength: 1000 } }, additionalProperties: false },
      CreatedGeneration: {
        type: 'object',
        required: ['id', 'workflowId', 'status', 'model'],
        properties: {
          id: { type: 'string' },
          workflowId: { type: 'string' },
          status: { type: 'string' },
          model: { type: 'string' },
          warnings: { type: 'array', items: { type: 'string' }, description: 'E.g. no price known for the model: costUsd will be null' },
        },
      },
      AcceptedCommand: {
        type: 'object',
        required: ['id', 'accepted'],
        properties: { id: { type: 'string' }, accepted: { type: 'string' } },
      },
      Usage: {
        type: 'object',
        required: ['inputTokens', 'outputTokens', 'cacheReadInputTokens', 'cacheCreationInputTokens'],
        properties: {
          inputTokens: { type: 'integer', minimum: 0 },
          outputTokens: { type: 'integer', minimum: 0 },
          cacheReadInputTokens: { type: 'integer', minimum: 0 },
          cacheCreationInputTokens: { type: 'integer', minimum: 0 },
        },
      },
      Tool: {
        type: 'object',
        required: ['id', 'name', 'status', 'attempts', 'iteration', 'detectedAt', 'startedAt', 'completedAt', 'resultPreview', 'error'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          input: {},
          summary: { type: 'string' },
          iteration: { type: 'integer' },
          status: { type: 'string' },
          attempts: { type: 'integer', minimum: 0 },
          detectedAt: isoTime,
          startedAt: nullable('string'),
          completedAt: nullable('string'),
          resultPreview: nullable('string'),
          error: nullable('string'),
          awaitingDecisionUntil: nullable('string'),
        },
      },
      GenerationState: {
        type: 'object',
        required: ['generationId', 'status', 'model', 'prompt', 'iteration', 'usage', 'costUsd', 'startedAt', 'finishedAt', 'error', 'tools', 'text', 'lastSeq'],
        properties: {
          generationId: { type: 'string' },
          status: { enum: statuses },
          model: { type: 'string' },
          prompt: { type: 'string' },
          maxIterations: { type: 'integer' },
          iteration: { type: 'integer', minimum: 0 },
          activity: { type: 'object' },
          usage: ref('Usage'),
          costUsd: { ...nullable('number'), description: 'US dollars; null when the model has no known price' },
          startedAt: nullable('string'),
          finishedAt: nullable('string'),
          stopReason: nullable('string'),
          error: nullable('string'),
          blockedUntil: nullable('string'),
          tools: { type: 'array', items: ref('Tool') },
          text: { type: 'string' },
          textOmittedChars: { type: 'integer', minimum: 0 },
          lastSeq: { type: 'integer', minimum: 0 },
        },
      },
      GenerationStateResponse: {
        allOf: [ref('GenerationState'), { type: 'object', required: ['elapsedMs'], properties: { elapsedMs: { type: 'integer', minimum: 0 } } }],
      },
      Event: {
        type: 'object',
        required: ['seq', 'type', 'at'],
        properties: { seq: { type: 'integer', minimum: 1 }, type: { type: 'string' }, at: isoTime },
        description: 'One event of the generation log; the fields beside seq/type/at depend on the type (see README, "Events")',
      },
      EventPage: {
        type: 'object',
        required: ['events', 'lastSeq', 'gap', 'status'],
        properties: {
          events: { type: 'array', items: ref('Event') },
          lastSeq: { type: 'integer', minimum: 0 },
          gap: { type: 'boolean' },
          status: { enum: statuses },
          state: ref('GenerationState'),
        },
      },
      TranscriptPage: {
        type: 'object',
        required: ['generationId', 'total', 'offset', 'messages', 'nextOffset'],
        properties: {
          generationId: { type: 'string' },
          total: { type: 'integer', minimum: 0 },
          offset: { type: 'integer', minimum: 0 },
          messages: { type: 'array', items: { type: 'object', required: ['role', 'content'], properties: { role: { enum: ['user', 'assistant'] }, content: {} } } },
          nextOffset: nullable('integer'),
        },
      },
      GenerationListPage: {
        type: 'object',
        required: ['generations', 'nextCursor'],
        properties: {
          generations: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'status', 'model', 'title', 'startedAt', 'finishedAt', 'iteration', 'costUsd'],
              properties: {
                id: { type: 'string' },
                status: { type: 'string' },
                model: { type: 'string' },
                title: { type: 'string' },
                startedAt: nullable('string'),
                finishedAt: nullable('string'),
                iteration: { type: 'integer' },
                costUsd: nullable('number'),
              },
            },
          },
          nextCursor: nullable('string'),
        },
      },
      Health: {
        type: 'object',
        required: ['ok', 'details'],
        properties: { ok: { type: 'boolean' }, details: { type: 'object', additionalProperties: { type: 'string' } } },
      },
    },
  },
  security: [{ bearer: [] }],
  paths: {
    '/v1/generations': {
      post: {
        summary: 'Start a generation',
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,255}$' },
            description: 'The same key with the same body returns the generation it started (200); with another body 409',
          },
        ],
        requestBody: { required: true, content: json(ref('CreateGenerationBody')) },
        responses: {
          '201': { description: 'Started', headers: { Location: { schema: { type: 'string' } } }, content: json(ref('CreatedGeneration')) },
          '200': { description: 'Already started with this Idempotency-Key and body; nothing new started', content: json(ref('CreatedGeneration')) },
          ...badRequest,
          '409': errorResponse('The Idempotency-Key was used with another body'),
          '413': errorResponse('Body larger than 1 MB'),
          '429': { ...errorResponse('TOOLSTREAM_MAX_ACTIVE_GENERATIONS generations are running'), headers: { 'Retry-After': { schema: { type: 'integer' } } } },
          ...commonErrors,
        },
      },
      get: {
        summary: 'List generations, newest first (Temporal visibility)',
        parameters: [
          { name: 'status', in: 'query', schema: { enum: statuses } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
        ],
        responses: { '200': { description: 'A page', content: json(ref('GenerationListPage')) }, ...badRequest, ...commonErrors },
      },
    },
    '/v1/generations/{id}': {
      get: {
        summary: 'Current state',
        parameters: [idParam],
        responses: { '200': { description: 'The state', content: json(ref('GenerationStateResponse')) }, ...badRequest, ...notFound, ...commonErrors },
      },
    },
    '/v1/generations/{id}/events': {
      get: {
        summary: 'A page of events after a cursor; with wait=, a long poll',
        parameters: [
          idParam,
          { name: 'after', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 500 } },
          { name: 'wait', in: 'query', schema: { type: 'integer', minimum: 0, maximum: maxWaitMs, default: 0 }, description: 'Milliseconds to wait for an event when there is none yet' },
        ],
        responses: { '200': { description: 'A page', content: json(ref('EventPage')) }, ...badRequest, ...notFound, ...commonErrors },
      },
    },
    '/v1/generations/{id}/stream': {
      get: {
        summary: 'The event log as server-sent events (id = seq); resumes from Last-Event-ID or ?after=',
        parameters: [
          idParam,
          { name: 'after', in: 'query', schema: { type: 'integer', minimum: 0 } },
          { name: 'Last-Event-ID', in: 'header', schema: { type: 'string' } },
          { name: 'access_token', in: 'query', schema: { type: 'string' }, description: 'The bearer token, for EventSource (which cannot send headers)' },
        ],
        responses: {
          '200': { description: 'An event stream: `event: <type>` frames with JSON data, `snapshot` after a gap', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          ...badRequest,
          ...notFound,
          ...commonErrors,
        },
      },
    },
    '/v1/generations/{id}/transcript': {
      get: {
        summary: 'The messages as sent to the model, a page at a time',
        parameters: [
          idParam,
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
        ],
        responses: { '200': { description: 'A page', content: json(ref('TranscriptPage')) }, ...badRequest, ...notFound, ...commonErrors },
      },
    },
    '/v1/generations/{id}/cancel': {
      post: {
        summary: 'Cancel',
        parameters: [idParam],
        requestBody: { required: false, content: json(ref('CancelBody')) },
        responses: { ...accepted, ...badRequest, ...notFound, '409': errorResponse('Already finished'), ...commonErrors },
      },
    },
    '/v1/generations/{id}/resume': {
      post: {
        summary: 'Resume a blocked generation',
        parameters: [idParam],
        responses: { ...accepted, ...badRequest, ...notFound, '409': errorResponse('Not blocked'), ...commonErrors },
      },
    },
    '/v1/generations/{id}/messages': {
      post: {
        summary: 'Send a message (a follow-up once finished)',
        parameters: [idParam],
        requestBody: { required: true, content: json(ref('SendMessageBody')) },
        responses: { ...accepted, ...badRequest, ...notFound, '409': errorResponse('Cannot take a message now'), ...commonErrors },
      },
    },
    '/v1/generations/{id}/tools/{toolUseId}/retry': {
      post: {
        summary: 'Retry a failed tool waiting for a decision',
        parameters: [idParam, toolUseIdParam],
        responses: { ...accepted, ...badRequest, ...toolNotFound, '409': errorResponse('The tool is not waiting for a decision'), ...commonErrors },
      },
    },
    '/v1/generations/{id}/tools/{toolUseId}/skip': {
      post: {
        summary: 'Skip a failed tool waiting for a decision',
        parameters: [idParam, toolUseIdParam],
        responses: { ...accepted, ...badRequest, ...toolNotFound, '409': errorResponse('The tool is not waiting for a decision'), ...commonErrors },
      },
    },
    '/v1/generations/{id}/tools/{toolUseId}/approve': {
      post: {
        summary: 'Approve a tool call awaiting approval: it runs',
        parameters: [idParam, toolUseIdParam],
        responses: { ...accepted, ...badRequest, ...toolNotFound, '409': errorResponse('The tool is not awaiting approval'), ...commonErrors },
      },
    },
    '/v1/generations/{id}/tools/{toolUseId}/deny': {
      post: {
        summary: 'Deny a tool call awaiting approval: the model gets an error result with the reason',
        parameters: [idParam, toolUseIdParam],
        requestBody: { required: false, content: json(ref('DenyToolBody')) },
        responses: { ...accepted, ...badRequest, ...toolNotFound, '409': errorResponse('The tool is not awaiting approval'), ...commonErrors },
      },
    },
    '/v1/generations/{id}/tools/{toolUseId}/cancel': {
      post: {
        summary: 'Cancel one queued or running tool call: the model gets an error result; the rest goes on',
        parameters: [idParam, toolUseIdParam],
        responses: { ...accepted, ...badRequest, ...toolNotFound, '409': errorResponse('The tool is not queued, awaiting or running'), ...commonErrors },
      },
    },
    '/healthz': {
      get: {
        summary: 'Health: Temporal reachable (and the worker running, in `npm start`)',
        security: [],
        responses: { '200': { description: 'Healthy', content: json(ref('Health')) }, '503': { description: 'Unhealthy', content: json(ref('Health')) } },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics of this API process',
        responses: { '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } }, '401': commonErrors['401'] },
      },
    },
    '/openapi.json': {
      get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } } },
    },
    '/': {
      get: { summary: 'Web view: the generation list', security: [], responses: { '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } } },
    },
    '/generations/{id}': {
      get: {
        summary: 'Web view: one generation, live',
        security: [],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
    '/assets/app.js': { get: { summary: 'Web view script', security: [], responses: { '200': { description: 'JavaScript', content: { 'text/javascript': { schema: { type: 'string' } } } } } } },
    '/assets/app.css': { get: { summary: 'Web view styles', security: [], responses: { '200': { description: 'CSS', content: { 'text/css': { schema: { type: 'string' } } } } } } },
  },
} as const;
