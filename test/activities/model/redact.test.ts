import Anthropic from '@anthropic-ai/sdk';
import { Stream } from '@anthropic-ai/sdk/core/streaming';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { ApplicationFailure } from '@temporalio/common';
import { toModelFailure } from '../../../src/activities/model/model-errors';
import { redactedMarker, redactError, redactSecret } from '../../../src/activities/model/redact';
import { redactingLogger } from '../../../src/activities/model/redacting-logger';

const key = 'sk-ant-api03-Zx9_unit-test-key-0123456789';

function errorBody(type: string, message: string): object {
  return { type: 'error', error: { type, message } };
}

/** Everything about an error that Temporal records or a logger prints. */
function allTextOf(err: unknown): string {
  const parts: string[] = [];
  for (let current = err; current instanceof Error; current = current.cause) parts.push(current.message, current.stack ?? '');
  return parts.join('\n');
}

describe('redactSecret', () => {
  test('replaces every occurrence', () => {
    expect(redactSecret(`a ${key} b ${key}${key}`, key)).toBe(`a ${redactedMarker} b ${redactedMarker}${redactedMarker}`);
  });

  test('leaves text alone without a secret, or without the secret in it', () => {
    expect(redactSecret(`a ${key}`, undefined)).toBe(`a ${key}`);
    expect(redactSecret(`a ${key}`, '')).toBe(`a ${key}`);
    expect(redactSecret('nothing here', key)).toBe('nothing here');
  });
});

describe('redactError', () => {
  test('scrubs message, stack and the whole cause chain, in place', () => {
    const root = new Error(`socket to ${key} closed`);
    const middle = new Error(`request with ${key} failed`, { cause: root });
    const top = new TypeError(`bad ${key}`, { cause: middle });
    expect(allTextOf(top)).toContain(key);
    expect(redactError(top, key)).toBe(top);
    expect(allTextOf(top)).not.toContain(key);
    expect(top.message).toBe(`bad ${redactedMarker}`);
    expect(root.stack).toContain(`socket to ${redactedMarker} closed`);
  });

  test('survives a cause cycle', () => {
    const a = new Error(`a ${key}`);
    const b = new Error(`b ${key}`, { cause: a });
    a.cause = b;
    redactError(b, key);
    expect(a.message).toBe(`a ${redactedMarker}`);
    expect(b.message).toBe(`b ${redactedMarker}`);
  });

  test('redacts strings and passes other values through', () => {
    expect(redactError(`x ${key}`, key)).toBe(`x ${redactedMarker}`);
    expect(redactError(42, key)).toBe(42);
  });
});

describe('toModelFailure with the API key', () => {
  test.each([
    [401, 'authentication_error'],
    [400, 'invalid_request_error'],
    [529, 'overloaded_error'],
  ])('an HTTP %i whose body echoes the key becomes a failure without it', (status, type) => {
    const err = Anthropic.APIError.generate(status, errorBody(type, `invalid x-api-key: ${key}`), undefined, new Headers());
    const failure = toModelFailure(err, key) as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.message).toBe(`${status} ${type}: invalid x-api-key: ${redactedMarker}`);
    expect(allTextOf(failure)).not.toContain(key);
    expect(JSON.stringify(failure)).not.toContain(key);
  });

  test('an error event in the stream that echoes the key', async () => {
    const sse = `event: error\ndata: ${JSON.stringify(errorBody('invalid_request_error', `key ${key} revoked`))}\n\n`;
    let caught: unknown;
    try {
      for await (const event of Stream.fromSSEResponse<RawMessageStreamEvent>(new Response(sse), new AbortController())) void event;
    } catch (err) {
      caught = err;
    }
    expect(allTextOf(caught)).toContain(key);
    const failure = toModelFailure(caught, key) as ApplicationFailure;
    expect(failure.message).toBe(`stream error invalid_request_error: key ${redactedMarker} revoked`);
    expect(allTextOf(failure)).not.toContain(key);
  });

  test('a connection error whose message names the key', () => {
    const failure = toModelFailure(new Anthropic.APIConnectionError({ message: `proxy refused ${key}` }), key) as ApplicationFailure;
    expect(failure.message).toBe(`Could not reach the model API: proxy refused ${redactedMarker}`);
  });

  test('an error passed through unclassified is still scrubbed, cause included', () => {
    const plain = new SyntaxError(`Unexpected token in ${key}`, { cause: new Error(key) });
    const failure = toModelFailure(plain, key);
    expect(failure).toBe(plain);
    expect(allTextOf(failure)).not.toContain(key);
    expect(toModelFailure(`raw ${key}`, key)).toBe(`raw ${redactedMarker}`);
  });

  test('without a key nothing changes', () => {
    const err = Anthropic.APIError.generate(401, errorBody('authentication_error', `bad ${key}`), undefined, new Headers());
    expect((toModelFailure(err) as ApplicationFailure).message).toContain(key);
  });
});

describe('redactingLogger', () => {
  test('formats each line as console would and scrubs the key at every level', () => {
    const lines: [string, string][] = [];
    const sink = {
      error: (line: string) => lines.push(['error', line]),
      warn: (line: string) => lines.push(['warn', line]),
      info: (line: string) => lines.push(['info', line]),
      debug: (line: string) => lines.push(['debug', line]),
    };
    const logger = redactingLogger(key, sink);
    logger.debug('[log_1] response error', { status: 401, body: { error: { message: `bad key ${key}` } } });
    logger.info(`sent ${key}`);
    logger.warn('%s!', key);
    logger.error('failed', new Error(`with ${key}`));
    expect(lines.map(([level]) => level)).toEqual(['debug', 'info', 'warn', 'error']);
    expect(lines.join('\n')).not.toContain(key);
    expect(lines[0][1]).toContain(`bad key ${redactedMarker}`);
    expect(lines[0][1]).toContain('status: 401');
    expect(lines[3][1]).toContain(`with ${redactedMarker}`);
  });
});
