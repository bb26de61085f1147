import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { silentLogger } from '../../lib/bundler-logger';

/** Baseline (c)'s workflow code, bundled on its own. */
export function bundleWorkflowStreams(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: require.resolve('./workflow'), logger: silentLogger });
}
