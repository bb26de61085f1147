import { ServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { grpcStatusOf, temporalHttpError } from '../../src/server/temporal-errors';

/** The shape @grpc/grpc-js gives a failed call, which the Temporal client recognises. */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
}

describe('Temporal errors as HTTP answers', () => {
  test('the gRPC status is found through the client wrapping it', () => {
    expect(grpcStatusOf(grpcError(8, 'busy'))).toBe(8);
    expect(grpcStatusOf(new ServiceError('Failed to query Workflow', { cause: grpcError(14, 'No connection established') }))).toBe(14);
    expect(grpcStatusOf(new Error('plain'))).toBeUndefined();
    expect(grpcStatusOf('not an error')).toBeUndefined();
  });

  test.each([
    [8, 'temporal_busy'],
    [14, 'temporal_unavailable'],
    [4, 'temporal_timeout'],
  ])('gRPC status %p is a 503 %p with Retry-After', (code, expected) => {
    const answer = temporalHttpError(new ServiceError('Failed', { cause: grpcError(code, 'x') }));
    expect(answer).toMatchObject({ status: 503, code: expected, headers: { 'retry-after': '1' } });
  });

  test('other errors are left to the caller', () => {
    expect(temporalHttpError(new ServiceError('Failed', { cause: grpcError(3, 'invalid argument') }))).toBeUndefined();
    expect(temporalHttpError(new WorkflowNotFoundError('gone', 'gen-x', undefined))).toBeUndefined();
    expect(temporalHttpError(new Error('boom'))).toBeUndefined();
  });
});
