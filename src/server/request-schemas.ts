import { z } from 'zod';
import { maxParallelToolsLimit } from '../shared/tool-policy';
import { HttpError } from './http-error';

/** Timers past a month are a mistake rather than a policy. */
const maxPolicyTimeoutMs = 30 * 24 * 60 * 60 * 1000;
const policyTimeout = z.number().int().min(1).max(maxPolicyTimeoutMs, `must be at most ${maxPolicyTimeoutMs} (30 days)`);
const toolNames = z.array(z.string().min(1).max(200)).max(100);

export const createGenerationBody = z
  .strictObject({
    prompt: z.string().trim().min(1, 'must not be empty').max(200_000),
    model: z.string().min(1).max(200).optional(),
    maxIterations: z.number().int().min(1).max(1000).optional(),
    system: z.string().max(200_000).optional(),
    maxCostUsd: z.number().positive().max(1_000_000).optional(),
    // The tool policy (src/shared/tool-policy.ts); tool names are checked against the tools by the service.
    onToolFailure: z.enum(['report', 'ask']).optional(),
    toolDecisionTimeoutMs: policyTimeout.optional(),
    approval: toolNames.optional(),
    approvalTimeoutMs: policyTimeout.optional(),
    maxParallelTools: z
      .number()
      .int(`must be an integer from 1 to ${maxParallelToolsLimit}`)
      .min(1, `must be an integer from 1 to ${maxParallelToolsLimit}`)
      .max(maxParallelToolsLimit, `must be an integer from 1 to ${maxParallelToolsLimit}`)
      .optional(),
    eagerTools: z.union([z.literal('all'), toolNames], { error: 'must be "all" or a list of tool names' }).optional(),
  })
  .refine((body) => body.toolDecisionTimeoutMs === undefined || body.onToolFailure === 'ask', {
    path: ['toolDecisionTimeoutMs'],
    message: 'applies only with onToolFailure: "ask"',
  });
export type CreateGenerationBody = z.infer<typeof createGenerationBody>;

export const generationIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -');

export const toolUseIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 letters, digits, _ or -');

/** A POST without a body (no content-type) arrives as undefined: the same as an empty object. */
const optionalBody = <T extends z.ZodType>(schema: T) => z.preprocess((value) => value ?? {}, schema);

export const cancelBody = optionalBody(z.strictObject({ reason: z.string().trim().min(1).max(1000).optional() }));
export const emptyBody = optionalBody(z.strictObject({}));
export const denyToolBody = optionalBody(z.strictObject({ reason: z.string().trim().min(1).max(1000).optional() }));
export const sendMessageBody = z.strictObject({ text: z.string().trim().min(1, 'must not be empty').max(200_000) });

export const eventsQueryParams = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

export const transcriptQueryParams = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** Parses or throws a 400 that names the offending field. */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : where,
    message: issue.message,
  }));
  const first = issues[0];
  throw new HttpError(400, 'invalid_request', `Invalid ${where}: ${first.field}: ${first.message}`, { issues });
}
