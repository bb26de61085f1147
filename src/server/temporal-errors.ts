import { isGrpcServiceError } from '@temporalio/client';
import { serviceUnavailable, type HttpError } from './http-error';

/** The gRPC status codes that decide how a failed Temporal call is answered. */
export const GrpcStatus = {
  deadlineExceeded: 4,
  resourceExhausted: 8,
  unavailable: 14,
} as const;

/** How long a client is told to wait before trying again after a 503. */
export const retryAfterSeconds = 1;

/**
 * The gRPC status of a failed Temporal call. The client wraps the gRPC error (in a ServiceError,
 * say), so the status is looked for along the `cause` chain.
 */
export function grpcStatusOf(err: unknown): number | undefined {
  let current: unknown = err;
  for (let depth = 0; typeof current === 'object' && current !== null && depth < 10; depth++) {
    if (isGrpcServiceError(current)) return current.code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Temporal refused for load: for a query, most often its one-query buffer while a workflow task runs. */
export function isTemporalBusy(err: unknown): boolean {
  return grpcStatusOf(err) === GrpcStatus.resourceExhausted;
}

/**
 * A 503 for Temporal being busy or out of reach (connection refused, the call's deadline passed),
 * which a client should retry; undefined for any other error.
 */
export function temporalHttpError(err: unknown): HttpError | undefined {
  switch (grpcStatusOf(err)) {
    case GrpcStatus.resourceExhausted:
      return serviceUnavailable('temporal_busy', 'Temporal is busy; try again shortly', retryAfterSeconds);
    case GrpcStatus.unavailable:
      return serviceUnavailable('temporal_unavailable', 'Temporal cannot be reached; try again shortly', retryAfterSeconds);
    case GrpcStatus.deadlineExceeded:
      return serviceUnavailable('temporal_timeout', 'Temporal did not answer in time; try again shortly', retryAfterSeconds);
    default:
      return undefined;
  }
}
