import type { ToolSpec } from '../tool-spec';
import { countSpec } from './count';
import { failSpec } from './fail';
import { sleepSpec } from './sleep';

/** Only offered when test tools are enabled: they exist to exercise retries and ordering. */
export const testToolSpecs: readonly ToolSpec[] = [sleepSpec, failSpec, countSpec];
