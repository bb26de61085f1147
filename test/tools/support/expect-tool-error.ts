import { ToolExecutionError } from '../../../src/tools';

/** Awaits a rejection and checks it is a ToolExecutionError with the given retryability and message. */
export async function expectToolError(promise: Promise<unknown>, expected: { retryable: boolean; message: RegExp }): Promise<ToolExecutionError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ToolExecutionError);
  const toolError = error as ToolExecutionError;
  expect(toolError.retryable).toBe(expected.retryable);
  expect(toolError.message).toMatch(expected.message);
  return toolError;
}
