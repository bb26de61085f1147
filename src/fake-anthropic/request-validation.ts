import { toolResultPairingProblem } from './tool-result-pairing';
import type { MessagesRequestBody, RequestMessage } from './types';

export type ValidationResult = { ok: true; body: MessagesRequestBody } | { ok: false; message: string };

/**
 * Only what the fake itself relies on: a product bug that drops a required field
 * should fail loudly here just as it would against the real API.
 */
export function validateMessagesRequest(raw: string): ValidationResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, message: 'Request body is not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, message: 'Request body must be a JSON object' };
  }
  const body = parsed as Record<string, unknown>;
  if (typeof body.model !== 'string' || body.model === '') return { ok: false, message: 'model: Field required' };
  if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) {
    return { ok: false, message: 'max_tokens: Field required (positive integer)' };
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return { ok: false, message: 'messages: Field required (non-empty array)' };
  }
  for (const [i, m] of (body.messages as unknown[]).entries()) {
    const message = m as Record<string, unknown> | null;
    if (typeof message !== 'object' || message === null || (message.role !== 'user' && message.role !== 'assistant')) {
      return { ok: false, message: `messages.${i}.role: Input should be 'user' or 'assistant'` };
    }
    if (typeof message.content !== 'string' && !Array.isArray(message.content)) {
      return { ok: false, message: `messages.${i}.content: Field required` };
    }
  }
  const pairing = toolResultPairingProblem(body.messages as RequestMessage[]);
  if (pairing !== undefined) return { ok: false, message: pairing };
  return { ok: true, body: body as MessagesRequestBody };
}
