export { generationWorkflow } from './generation-workflow';
