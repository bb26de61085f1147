import { createToolCatalog, createToolRegistry } from '../../src/tools';

describe('tool catalog', () => {
  const catalog = createToolCatalog({ testTools: true });

  it('offers the built-in tools always and the test tools only when enabled', () => {
    expect(createToolCatalog({ testTools: false }).names()).toEqual(['read_file', 'write_file', 'edit_file', 'list_files', 'rename_app']);
    expect(catalog.names()).toEqual(['read_file', 'write_file', 'edit_file', 'list_files', 'rename_app', 'sleep', 'fail', 'count']);
  });

  it('matches the registry exactly, so workflow and activity agree on every call', () => {
    for (const testTools of [false, true]) {
      const workflowSide = createToolCatalog({ testTools });
      const activitySide = createToolRegistry({ testTools });
      expect(activitySide.names()).toEqual(workflowSide.names());
      expect(activitySide.anthropicTools()).toEqual(workflowSide.anthropicTools());
    }
  });

  describe('validate', () => {
    it('names the available tools for an unknown tool', () => {
      expect(catalog.validate('foo', {})).toEqual({
        ok: false,
        error: 'Unknown tool "foo". Available tools: read_file, write_file, edit_file, list_files, rename_app, sleep, fail, count',
      });
      expect(createToolCatalog({ testTools: false }).validate('sleep', { ms: 1 })).toMatchObject({ ok: false, error: expect.stringMatching(/^Unknown tool "sleep"/) });
    });

    it('names every failing field', () => {
      expect(catalog.validate('write_file', {})).toEqual({
        ok: false,
        error: 'Invalid input for write_file: path: expected string, received undefined; content: expected string, received undefined',
      });
      expect(catalog.validate('edit_file', { path: 'a', old_text: 1, new_text: null })).toEqual({
        ok: false,
        error: 'Invalid input for edit_file: old_text: expected string, received number; new_text: expected string, received null',
      });
    });

    it('explains input that is not an object', () => {
      expect(catalog.validate('read_file', 'src/App.tsx')).toEqual({ ok: false, error: 'Invalid input for read_file: expected object, received string' });
      expect(catalog.validate('read_file', null)).toEqual({ ok: false, error: 'Invalid input for read_file: expected object, received null' });
    });

    it('returns the parsed input, without unknown keys', () => {
      expect(catalog.validate('read_file', { path: 'a.txt', extra: true })).toEqual({
        ok: true,
        name: 'read_file',
        input: { path: 'a.txt' },
        resourceKey: 'file:a.txt',
        summary: 'read_file a.txt',
      });
    });

    it('gives file tools one normalized key per file', () => {
      const keys = [
        catalog.validate('write_file', { path: './src/App.tsx', content: '' }),
        catalog.validate('read_file', { path: 'src/App.tsx' }),
        catalog.validate('edit_file', { path: 'src//lib/../App.tsx', old_text: 'a', new_text: 'b' }),
      ].map((validation) => validation.ok && validation.resourceKey);
      expect(keys).toEqual(['file:src/App.tsx', 'file:src/App.tsx', 'file:src/App.tsx']);
      expect(catalog.validate('read_file', { path: 'src/Other.tsx' })).toMatchObject({ resourceKey: 'file:src/Other.tsx' });
    });

    it('gives rename_app the key of the file it changes, so it keeps its order with write_file app.json', () => {
      const rename = catalog.validate('rename_app', { name: 'CalcPro' });
      const write = catalog.validate('write_file', { path: './app.json', content: '{}' });
      expect(rename).toMatchObject({ ok: true, resourceKey: 'file:app.json' });
      expect(write).toMatchObject({ ok: true, resourceKey: 'file:app.json' });
    });

    it('gives list_files and the test tools their own keys', () => {
      const keyOf = (name: string, input: unknown) => {
        const validation = catalog.validate(name, input);
        return validation.ok ? validation.resourceKey : validation.error;
      };
      expect(keyOf('list_files', {})).toBe('dir:.');
      expect(keyOf('list_files', { path: './' })).toBe('dir:.');
      expect(keyOf('list_files', { path: './src/' })).toBe('dir:src');
      expect(keyOf('fail', { key: 'k', times: 1 })).toBe('test:fail:k');
      expect(keyOf('count', { key: 'k' })).toBe('test:count:k');
      expect(keyOf('sleep', { ms: 1 })).toBeNull();
    });

    it('still computes keys for paths the sandbox will refuse at run time', () => {
      expect(catalog.validate('write_file', { path: '../x', content: '' })).toMatchObject({ ok: true, resourceKey: 'file:../x' });
    });

    it('summarizes each call in one line of at most 120 characters', () => {
      const summaryOf = (name: string, input: unknown) => {
        const validation = catalog.validate(name, input);
        return validation.ok ? validation.summary : validation.error;
      };
      expect(summaryOf('write_file', { path: './src/App.tsx', content: 'x' })).toBe('write_file src/App.tsx');
      expect(summaryOf('edit_file', { path: 'src/App.tsx', old_text: 'a', new_text: 'b' })).toBe('edit_file src/App.tsx');
      expect(summaryOf('list_files', {})).toBe('list_files');
      expect(summaryOf('list_files', { path: 'src' })).toBe('list_files src');
      expect(summaryOf('rename_app', { name: 'CalcPro' })).toBe('rename_app CalcPro');
      expect(summaryOf('sleep', { ms: 500 })).toBe('sleep 500ms');

      const long = summaryOf('read_file', { path: `dir/${'x'.repeat(300)}` });
      expect(long).toHaveLength(120);
      expect(long.endsWith('…')).toBe(true);
      expect(summaryOf('read_file', { path: 'a\nb' })).toBe('read_file a b');
    });
  });

  describe('anthropicTools', () => {
    const requiredFields: Record<string, string[]> = {
      read_file: ['path'],
      write_file: ['path', 'content'],
      edit_file: ['path', 'old_text', 'new_text'],
      list_files: [],
      rename_app: ['name'],
      sleep: ['ms'],
      fail: ['key', 'times'],
      count: ['key'],
    };

    it('describes every tool with an object schema listing its required fields', () => {
      const tools = catalog.anthropicTools();
      expect(tools.map((tool) => tool.name)).toEqual(catalog.names());
      for (const tool of tools) {
        expect(tool.description).toEqual(expect.any(String));
        expect(tool.input_schema.type).toBe('object');
        expect(tool.input_schema).not.toHaveProperty('$schema');
        expect(tool.input_schema.required ?? []).toEqual(requiredFields[tool.name]);
        expect(Object.keys(tool.input_schema.properties as object).sort()).toEqual(
          [...requiredFields[tool.name], ...(tool.name === 'list_files' ? ['path'] : [])].sort(),
        );
      }
    });

    it('carries the zod constraints into the JSON schema', () => {
      const byName = new Map(catalog.anthropicTools().map((tool) => [tool.name, tool.input_schema.properties as Record<string, object>]));
      expect(byName.get('sleep')?.['ms']).toMatchObject({ type: 'integer', minimum: 0, maximum: 600_000 });
      expect(byName.get('rename_app')?.['name']).toMatchObject({ type: 'string', minLength: 1, maxLength: 80 });
      expect(byName.get('count')?.['key']).toMatchObject({ type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' });
    });

    it('returns a fresh array each time, so callers may decorate it', () => {
      const first = catalog.anthropicTools();
      first[0].cache_control = { type: 'ephemeral' };
      expect(catalog.anthropicTools()[0]).not.toHaveProperty('cache_control');
    });
  });
});
