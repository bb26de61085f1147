import type { IncomingHttpHeaders } from 'http';

/**
 * The installed SDK (v1.x) sends `apiKey` as `Authorization: Bearer <key>`, while
 * older SDKs and curl examples use `x-api-key`; the real API takes either.
 */
export function hasApiKey(headers: IncomingHttpHeaders, apiKey: string): boolean {
  return headers['x-api-key'] === apiKey || headers.authorization === `Bearer ${apiKey}`;
}
