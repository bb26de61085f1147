/** The API's error, as the CLI prints it: status, code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'ApiError';
  }
}

/** The HTTP API as the command line uses it: JSON in, JSON out, the API's errors kept intact. */
export class CliApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.token === undefined ? extra : { ...extra, authorization: `Bearer ${this.token}` };
  }

  async request<T>(method: string, route: string, body?: unknown): Promise<T> {
    const headers = this.headers(body === undefined ? {} : { 'content-type': 'application/json' });
    let res: Response;
    try {
      res = await fetch(this.baseUrl + route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw new Error(`cannot reach the API at ${this.baseUrl}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`);
    }
    const text = await res.text();
    const json = text ? (safeJson(text) as T & { error?: { code?: string; message?: string } }) : undefined;
    if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? 'error', json?.error?.message ?? text.slice(0, 500));
    return json as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
