import { ToolExecutionError } from '../../../src/tools';
import { checkWorkspacePath, normalizeWorkspacePath } from '../../../src/tools/workspace/workspace-path';

describe('normalizeWorkspacePath', () => {
  it.each([
    ['src/App.tsx', 'src/App.tsx'],
    ['./src/App.tsx', 'src/App.tsx'],
    ['./a//b', 'a/b'],
    ['a/./b/', 'a/b'],
    ['a/b/../c', 'a/c'],
    ['', '.'],
    ['.', '.'],
    ['./', '.'],
    ['a/..', '.'],
    ['../x', '../x'],
    ['a/../../x', '../x'],
    ['/etc/passwd', '/etc/passwd'],
    ['/../etc', '/etc'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeWorkspacePath(raw)).toBe(expected);
  });
});

describe('checkWorkspacePath', () => {
  it('returns the normalized path for acceptable paths', () => {
    expect(checkWorkspacePath('./src//App.tsx')).toBe('src/App.tsx');
    expect(checkWorkspacePath('src/../README.md')).toBe('README.md');
  });

  it.each([
    ['../secret', /escapes the workspace/],
    ['a/../../secret', /escapes the workspace/],
    ['..', /escapes the workspace/],
    ['/etc/passwd', /Absolute paths are not allowed/],
    ['a\0b', /NUL byte/],
    ['', /must not be empty/],
    ['.', /workspace root/],
    ['a/..', /workspace root/],
  ])('refuses %j', (raw, message) => {
    let caught: unknown;
    try {
      checkWorkspacePath(raw);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ToolExecutionError);
    expect((caught as ToolExecutionError).retryable).toBe(false);
    expect((caught as ToolExecutionError).message).toMatch(message);
  });

  it('allows the root only when asked to', () => {
    expect(checkWorkspacePath('', { allowRoot: true })).toBe('.');
    expect(checkWorkspacePath('./', { allowRoot: true })).toBe('.');
    expect(() => checkWorkspacePath('../', { allowRoot: true })).toThrow(/escapes/);
  });
});
