import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';

const TOOLS_DIR = path.resolve(__dirname, '../../src/tools');
// Runtime imports only: `import type` is erased and never reaches the workflow bundle.
const RUNTIME_IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/** Every runtime module reachable from `entry`: relative ones as files, others as package names. */
function runtimeImportsOf(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(RUNTIME_IMPORT)) {
      if (specifier.startsWith('.')) pending.push(`${path.resolve(path.dirname(file), specifier)}.ts`);
      else packages.add(specifier);
    }
  }
  return { files, packages };
}

describe('tool-catalog.ts', () => {
  it('can be imported by workflow code: no Node built-ins, only zod at run time', () => {
    const { files, packages } = runtimeImportsOf(path.join(TOOLS_DIR, 'tool-catalog.ts'));
    expect([...packages]).toEqual(['zod']);
    expect([...packages].filter((name) => name.startsWith('node:') || builtinModules.includes(name))).toEqual([]);
    // Sanity check that the scan followed the imports down to the specs.
    expect([...files].map((file) => path.relative(TOOLS_DIR, file))).toEqual(expect.arrayContaining(['specs/write-file.ts', 'workspace/workspace-path.ts']));
  });

  it('the scan does see Node built-ins where they are used', () => {
    expect([...runtimeImportsOf(path.join(TOOLS_DIR, 'tool-registry.ts')).packages]).toEqual(expect.arrayContaining(['node:fs/promises']));
  });
});

describe('the workflow bundler', () => {
  it('accepts a workflow that imports tool-catalog.ts', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: path.join(__dirname, 'support', 'catalog-workflow.ts'),
      logger: new DefaultLogger('WARN'),
    });
    expect(code).toContain('validateToolCall');
  });
});
