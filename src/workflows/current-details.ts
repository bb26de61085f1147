import { inWorkflowContext, setCurrentDetails } from '@temporalio/workflow';
import type { GenerationEventBody } from '../shared/events';
import type { GenerationState } from '../shared/state';
import { currentDetailsOf } from '../shared/web-ui-details';

/**
 * Keeps the workflow's current details (the Web UI's "Current Details" panel) in step with the
 * state. Setting them records nothing in history (the UI reads them by query), but rendering the
 * tool table costs a little, so text deltas, which change nothing shown there, skip it.
 */
export class CurrentDetails {
  private last = '';

  refresh(state: GenerationState, cause?: GenerationEventBody['type']): void {
    if (cause === 'text.delta' || cause === 'thinking.delta' || !state.generationId || !inWorkflowContext()) return;
    const details = currentDetailsOf(state, Date.now());
    if (details === this.last) return;
    this.last = details;
    setCurrentDetails(details);
  }
}
