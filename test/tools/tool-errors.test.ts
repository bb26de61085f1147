import { ToolExecutionError, ToolInputError } from '../../src/tools';

describe('tool errors', () => {
  it('ToolExecutionError is not retryable unless told otherwise', () => {
    expect(new ToolExecutionError('File not found: a').retryable).toBe(false);
    expect(new ToolExecutionError('flaky', { retryable: true }).retryable).toBe(true);
  });

  it('both errors keep their names and are real Errors', () => {
    const execution = new ToolExecutionError('x');
    const input = new ToolInputError('y');
    expect(execution).toBeInstanceOf(Error);
    expect(input).toBeInstanceOf(Error);
    expect(execution.name).toBe('ToolExecutionError');
    expect(input.name).toBe('ToolInputError');
    expect(input.message).toBe('y');
  });
});
