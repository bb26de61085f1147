import Anthropic from '@anthropic-ai/sdk';
import { Stream } from '@anthropic-ai/sdk/core/streaming';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { ApplicationFailure } from '@temporalio/common';
import { ModelErrorType, StreamStalledError, toModelFailure } from '../../../src/activities/model/model-errors';

function errorBody(type: string, message: string): object {
  return { type: 'error', error: { type, message } };
}

/** What the SDK throws for an HTTP error response (it needs headers, or it files the error as a connection failure). */
function httpError(status: number, body: object | undefined, headers: Record<string, string> = {}): InstanceType<typeof Anthropic.APIError> {
  return Anthropic.APIError.generate(status, body, undefined, new Headers(headers));
}

/** The error the SDK raises when the stream itself carries an `event: error`, got by running the real parser. */
async function streamErrorEvent(data: string): Promise<unknown> {
  const sse = [
    'event: message_start',
    'data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"usage":{"input_tokens":1,"output_tokens":1}}}',
    '',
    'event: error',
    `data: ${data}`,
    '',
    '',
  ].join('\n');
  const response = new Response(sse, { headers: { 'content-type': 'text/event-stream' } });
  try {
    for await (const event of Stream.fromSSEResponse<RawMessageStreamEvent>(response, new AbortController())) void event;
  } catch (err) {
    return err;
  }
  throw new Error('the stream ended without the error event raising');
}

function asFailure(value: unknown): ApplicationFailure {
  expect(value).toBeInstanceOf(ApplicationFailure);
  return value as ApplicationFailure;
}

describe('HTTP errors', () => {
  test.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [413, 'request_too_large'],
    [422, 'invalid_request_error'],
  ])('%i is a rejected request that must not be retried', (status, type) => {
    const failure = asFailure(toModelFailure(httpError(status, errorBody(type, 'no good'))));
    expect(failure.type).toBe(ModelErrorType.rejected);
    expect(failure.type).toBe('ModelRequestRejected');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(`${status} ${type}: no good`);
  });

  test.each([
    [408, 'timeout_error'],
    [409, 'conflict_error'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [503, 'api_error'],
    [529, 'overloaded_error'],
  ])('%i means the model is unavailable for now and is retried', (status, type) => {
    const failure = asFailure(toModelFailure(httpError(status, errorBody(type, 'try later'))));
    expect(failure.type).toBe('ModelUnavailable');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBeUndefined();
    expect(failure.message).toBe(`${status} ${type}: try later`);
  });

  test('the SDK classes for these statuses are what gets classified', () => {
    // Guards the premise of the table tests: generate() returns the specific subclasses.
    expect(httpError(429, errorBody('rate_limit_error', 'x'))).toBeInstanceOf(Anthropic.RateLimitError);
    expect(httpError(529, errorBody('overloaded_error', 'x'))).toBeInstanceOf(Anthropic.InternalServerError);
    expect(asFailure(toModelFailure(new Anthropic.BadRequestError(400, errorBody('invalid_request_error', 'bad'), undefined, new Headers()))).nonRetryable).toBe(true);
  });

  test('retry-after in seconds becomes the next retry delay in milliseconds', () => {
    const failure = asFailure(toModelFailure(httpError(429, errorBody('rate_limit_error', 'slow down'), { 'retry-after': '7' })));
    expect(failure.nextRetryDelay).toBe(7000);
    expect(failure.nonRetryable).toBe(false);
  });

  test('retry-after-ms wins over retry-after', () => {
    const failure = asFailure(toModelFailure(httpError(529, errorBody('overloaded_error', 'busy'), { 'retry-after-ms': '1500', 'retry-after': '9' })));
    expect(failure.nextRetryDelay).toBe(1500);
  });

  test('a retry-after that is not a number of seconds (an HTTP date) is ignored', () => {
    const failure = asFailure(toModelFailure(httpError(503, errorBody('api_error', 'down'), { 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' })));
    expect(failure.nextRetryDelay).toBeUndefined();
    expect(failure.nonRetryable).toBe(false);
  });

  test.each([
    [{ 'retry-after': '0' }],
    [{ 'retry-after-ms': '0' }],
    [{ 'retry-after': '-3' }],
  ])('a zero or negative wait (%j) falls back to the retry policy: a zero delay would stop the retries', (headers) => {
    const failure = asFailure(toModelFailure(httpError(529, errorBody('overloaded_error', 'busy'), headers)));
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBeUndefined();
  });

  test('a zero retry-after-ms gives way to a positive retry-after', () => {
    const failure = asFailure(toModelFailure(httpError(529, errorBody('overloaded_error', 'busy'), { 'retry-after-ms': '0', 'retry-after': '2' })));
    expect(failure.nextRetryDelay).toBe(2000);
  });

  test('a rejected request ignores retry-after: it will not be retried at all', () => {
    const failure = asFailure(toModelFailure(httpError(400, errorBody('invalid_request_error', 'bad'), { 'retry-after': '7' })));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.nextRetryDelay).toBeUndefined();
  });

  test('without a JSON error body the message falls back to the SDK message', () => {
    const failure = asFailure(toModelFailure(httpError(502, undefined)));
    expect(failure.type).toBe('ModelUnavailable');
    expect(failure.message).toBe('502: 502 status code (no body)');
  });
});

describe('errors carried by the stream', () => {
  test('an overloaded_error event (no HTTP status) is retried', async () => {
    const err = await streamErrorEvent('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}');
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBeUndefined();
    const failure = asFailure(toModelFailure(err));
    expect(failure.type).toBe('ModelUnavailable');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toBe('stream error overloaded_error: Overloaded');
  });

  test.each(['api_error', 'rate_limit_error', 'timeout_error'])('a %s event is retried', async (type) => {
    const failure = asFailure(toModelFailure(await streamErrorEvent(JSON.stringify(errorBody(type, 'x')))));
    expect(failure.nonRetryable).toBe(false);
  });

  test('an invalid_request_error event is not retried', async () => {
    const err = await streamErrorEvent('{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long"}}');
    const failure = asFailure(toModelFailure(err));
    expect(failure.type).toBe('ModelRequestRejected');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe('stream error invalid_request_error: prompt is too long');
  });

  test('an error event whose type cannot be read is retried', async () => {
    const failure = asFailure(toModelFailure(await streamErrorEvent('something went wrong')));
    expect(failure.type).toBe('ModelUnavailable');
    expect(failure.nonRetryable).toBe(false);
  });

  test('the same classification holds for a hand-made stream error', () => {
    const overloaded = new Anthropic.APIError(undefined, errorBody('overloaded_error', 'Overloaded'), undefined, undefined);
    const invalid = new Anthropic.APIError(undefined, errorBody('invalid_request_error', 'bad'), undefined, undefined);
    expect(asFailure(toModelFailure(overloaded)).nonRetryable).toBe(false);
    expect(asFailure(toModelFailure(invalid)).nonRetryable).toBe(true);
  });
});

describe('transport and local failures', () => {
  test('a connection error is retried as ModelConnectionError', () => {
    const failure = asFailure(toModelFailure(new Anthropic.APIConnectionError({ message: 'ECONNRESET' })));
    expect(failure.type).toBe('ModelConnectionError');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toBe('Could not reach the model API: ECONNRESET');
  });

  test('a connection timeout is a connection error too', () => {
    const failure = asFailure(toModelFailure(new Anthropic.APIConnectionTimeoutError()));
    expect(failure.type).toBe('ModelConnectionError');
    expect(failure.nonRetryable).toBe(false);
  });

  test('generate() without a status is the SDK saying the connection failed', () => {
    const failure = asFailure(toModelFailure(Anthropic.APIError.generate(undefined, new Error('socket hang up'), 'Connection error.', undefined)));
    expect(failure.type).toBe('ModelConnectionError');
  });

  test('a user abort passes through unchanged, so cancellation stays cancellation', () => {
    const abort = new Anthropic.APIUserAbortError();
    expect(toModelFailure(abort)).toBe(abort);
  });

  test('a stalled stream is retried as ModelStreamStalled', () => {
    const failure = asFailure(toModelFailure(new StreamStalledError(60_000)));
    expect(failure.type).toBe('ModelStreamStalled');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toBe('The model stream sent nothing for 60000 ms');
  });

  test('an ApplicationFailure is already classified and passes through unchanged', () => {
    const failure = ApplicationFailure.create({ type: ModelErrorType.incomplete, message: 'ended early' });
    expect(toModelFailure(failure)).toBe(failure);
  });

  test('anything else passes through unchanged', () => {
    const plain = new SyntaxError('Unexpected token');
    expect(toModelFailure(plain)).toBe(plain);
    expect(toModelFailure('a string')).toBe('a string');
  });
});
