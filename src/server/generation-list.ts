import type { Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { z } from 'zod';
import { generationStatusOfSearch, searchAttributeKeys as keys, statusClause } from '../shared/search-attributes';
import { GenerationStatus } from '../shared/state';
import { HttpError } from './http-error';
import { parseOr400 } from './request-schemas';
import { temporalHttpError } from './temporal-errors';
import type { GenerationListItem, GenerationListPage } from '../shared/generation-list';


export const listQueryParams = z.object({
  status: z.enum(Object.values(GenerationStatus) as [GenerationStatus, ...GenerationStatus[]]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,4096}$/, 'must be a nextCursor this API returned').optional(),
});

const workflowIdPrefix = 'gen-';

/**
 * `GET /v1/generations`: from Temporal's visibility store (any API process answers alike; nothing
 * is kept in memory), filtered by the search attributes the workflow upserts. Runs that continued as
 * new are left out: the run that took over stands for the generation. Visibility lags the workflow
 * by a moment, so a generation just started may show a second later. The cursor is Temporal's own
 * page token, base64url.
 */
export async function listGenerations(connection: Connection, namespace: string, rawQuery: unknown): Promise<GenerationListPage> {
  const { status, limit, cursor } = parseOr400(listQueryParams, rawQuery, 'query');
  const clauses = [`WorkflowType = 'generationWorkflow'`, `ExecutionStatus != 'ContinuedAsNew'`];
  if (status) clauses.push(statusClause(status));
  let response;
  try {
    response = await connection.workflowService.listWorkflowExecutions({
      namespace,
      pageSize: limit,
      query: clauses.join(' AND '),
      nextPageToken: cursor ? Buffer.from(cursor, 'base64url') : undefined,
    });
  } catch (err) {
    const temporal = temporalHttpError(err);
    if (temporal) throw temporal;
    if ((err as { code?: number }).code === 3) throw new HttpError(400, 'invalid_request', 'Invalid query: cursor: not a cursor this API returned');
    throw err;
  }
  const seen = new Set<string>();
  const generations: GenerationListItem[] = [];
  for (const execution of response.executions ?? []) {
    const workflowId = execution.execution?.workflowId ?? '';
    // A follow-up's new run and the run it continued share the workflow id: the first listed is the newer.
    if (!workflowId.startsWith(workflowIdPrefix) || seen.has(workflowId)) continue;
    seen.add(workflowId);
    const attribute = (name: string): unknown => {
      const payload = execution.searchAttributes?.indexedFields?.[name];
      return payload ? defaultPayloadConverter.fromPayload(payload) : undefined;
    };
    const generationStatus = generationStatusOfSearch(String(attribute(keys.status.name) ?? 'running'));
    const closed = execution.closeTime && generationStatus !== 'running' ? timestampIso(execution.closeTime) : null;
    generations.push({
      id: workflowId.slice(workflowIdPrefix.length),
      status: generationStatus,
      model: String(attribute(keys.model.name) ?? ''),
      title: String(attribute(keys.title.name) ?? ''),
      startedAt: execution.startTime ? timestampIso(execution.startTime) : null,
      finishedAt: closed,
      iteration: Number(attribute(keys.iterations.name) ?? 0),
      // Unset for a model with no known price: unknown, not $0.
      costUsd: attribute(keys.costUsd.name) === undefined ? null : Number(attribute(keys.costUsd.name)),
    });
  }
  const token = response.nextPageToken;
  return { generations, nextCursor: token && token.length > 0 ? Buffer.from(token).toString('base64url') : null };
}

function timestampIso(timestamp: { seconds?: unknown; nanos?: number | null }): string {
  return new Date(Number(timestamp.seconds ?? 0) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1e6)).toISOString();
}
