import { inWorkflowContext, patched, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { searchAttributeKeys as keys, searchStatusOf, titleOf } from '../shared/search-attributes';
import { ToolStatus, type GenerationState } from '../shared/state';

/**
 * Keeps the generation's search attributes in step with its state. Each upsert is a history event,
 * so only values that changed since the last upsert of this run are sent (the first call of a run
 * sends all, which also covers a run that continued another).
 */
export class SearchAttributeSync {
  private readonly sent = new Map<string, unknown>();

  /** Off where the attributes are not registered: an upsert of an unknown attribute fails every workflow task. */
  constructor(private readonly enabled: boolean) {}

  sync(state: GenerationState): void {
    if (!this.enabled) return;
    // Unit tests drive the recorder outside a workflow; there is nothing to upsert to there.
    if (!state.generationId || !inWorkflowContext()) return;
    // Histories recorded before this existed have no upserts: replaying them must not add any.
    if (!patched('toolstream-search-attributes')) return;
    const pairs: SearchAttributeUpdatePair[] = [
      { key: keys.status, value: searchStatusOf(state) },
      { key: keys.model, value: state.model },
      { key: keys.costUsd, value: state.costUsd },
      { key: keys.iterations, value: state.iteration },
      { key: keys.toolFailures, value: state.tools.filter((tool) => tool.status === ToolStatus.failed).length },
      { key: keys.title, value: titleOf(state.prompt) },
    ];
    const changed = pairs.filter((pair) => this.sent.get(pair.key.name) !== pair.value);
    if (changed.length === 0) return;
    upsertSearchAttributes(changed);
    for (const pair of changed) this.sent.set(pair.key.name, pair.value);
  }
}
