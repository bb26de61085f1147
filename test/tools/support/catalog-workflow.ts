// A workflow module that uses the catalog the way workflow code will, for the bundling test.
import { createToolCatalog } from '../../../src/tools/tool-catalog';

export async function validateToolCall(name: string, input: unknown): Promise<string> {
  return JSON.stringify(createToolCatalog({ testTools: true }).validate(name, input));
}
