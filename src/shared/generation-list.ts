/** One row of `GET /v1/generations`: read from Temporal visibility, shared by the server and its clients. */
export interface GenerationListItem {
  id: string;
  status: string;
  model: string;
  title: string;
  startedAt: string | null;
  finishedAt: string | null;
  iteration: number;
  /** Null when unknown (a model with no known price). */
  costUsd: number | null;
}

export interface GenerationListPage {
  generations: GenerationListItem[];
  nextCursor: string | null;
}
