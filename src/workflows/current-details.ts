import { inWorkflowContext, setCurrentDetails } from '@temporalio/workflow';
import type { GenerationState } from '../shared/state';
import { currentDetailsOf } from '../shared/web-ui-details';

/**
 * Keeps the workflow's current details (the Web UI's "Current Details" panel) in step with the
 * state. Setting them records nothing in history (the UI reads them by query); the recorder skips
 * text deltas, which change nothing shown there.
 */
export class CurrentDetails {
  private last = '';

  refresh(state: GenerationState): void {
    if (!state.generationId || !inWorkflowContext()) return;
    const details = currentDetailsOf(state, Date.now());
    if (details === this.last) return;
    this.last = details;
    setCurrentDetails(details);
  }
}
