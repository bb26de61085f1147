import { createStreamModelTurn, type ModelActivityDeps } from './model/stream-model-turn';
import { createArchiveGeneration, type ArchiveDeps } from './storage/archive-generation';
import { createRunTool, type ToolActivityDeps } from './tools/run-tool';

export type ActivityDeps = ModelActivityDeps & ToolActivityDeps & ArchiveDeps;

export function createActivities(deps: ActivityDeps) {
  return {
    streamModelTurn: createStreamModelTurn(deps),
    runTool: createRunTool(deps),
    archiveGeneration: createArchiveGeneration(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
