import { Command } from 'commander';
import { CliApi } from './cli-api';
import type { GenerationListPage } from '../shared/generation-list';
import { formatGenerationList } from './list-format';
import { exitCodes, watchGeneration } from './watch';

/**
 * `toolstream`: start, watch and steer generations from a terminal through the HTTP API.
 * Arguments by commander (the de facto standard parser: subcommands, help, option errors).
 */
function program(): Command {
  const cli = new Command('toolstream')
    .description('Durable LLM generations on Temporal, from the terminal')
    .option('--api <url>', 'API base URL (env TOOLSTREAM_API_URL)', process.env.TOOLSTREAM_API_URL ?? 'http://127.0.0.1:3000')
    .showHelpAfterError();
  // Token from the environment only: a flag would show in `ps` and shell history.
  const api = (): CliApi => new CliApi(String(cli.opts().api).replace(/\/+$/, ''), process.env.TOOLSTREAM_API_TOKEN || undefined);
  const done = (code: number): void => {
    process.exitCode = code;
  };
  const command = (run: () => Promise<unknown>) => async () => {
    try {
      const result = await run();
      if (typeof result === 'number') done(result);
    } catch (err) {
      process.stderr.write(`error: ${(err as Error).message}\n`);
      done(exitCodes.apiError);
    }
  };
  const accepted = (what: string) => (body: unknown) => process.stdout.write(`${what}: ${JSON.stringify(body)}\n`);

  cli
    .command('run')
    .argument('<prompt>', 'what to ask')
    .option('-m, --model <model>', 'model id')
    .option('-n, --max-iterations <n>', 'iteration limit', (value) => Number.parseInt(value, 10))
    .option('--no-watch', 'print the id and return')
    .description('start a generation and watch it')
    .action((prompt: string, options: { model?: string; maxIterations?: number; watch: boolean }) =>
      command(async () => {
        const created = await api().request<{ id: string }>('POST', '/v1/generations', { prompt, model: options.model, maxIterations: options.maxIterations });
        process.stderr.write(`generation ${created.id}\n`);
        if (!options.watch) {
          process.stdout.write(`${created.id}\n`);
          return exitCodes.completed;
        }
        return watchGeneration(api(), created.id);
      })(),
    );
  cli.command('watch').argument('<id>').description('follow a generation live (Ctrl-C detaches)').action((id: string) => command(() => watchGeneration(api(), id))());
  cli
    .command('ls')
    .option('-s, --status <status>', 'only this status')
    .option('-l, --limit <n>', 'how many', '20')
    .description('list generations, newest first')
    .action((options: { status?: string; limit: string }) =>
      command(async () => {
        const query = new URLSearchParams({ limit: options.limit, ...(options.status ? { status: options.status } : {}) });
        process.stdout.write(formatGenerationList(await api().request<GenerationListPage>('GET', `/v1/generations?${query}`)));
      })(),
    );
  cli
    .command('cancel')
    .argument('<id>')
    .option('-r, --reason <reason>')
    .action((id: string, options: { reason?: string }) => command(async () => accepted('cancel')(await api().request('POST', `/v1/generations/${id}/cancel`, { reason: options.reason })))());
  cli.command('resume').argument('<id>').action((id: string) => command(async () => accepted('resume')(await api().request('POST', `/v1/generations/${id}/resume`)))());
  cli
    .command('say')
    .argument('<id>')
    .argument('<text...>', 'the follow-up message')
    .description('send a follow-up message')
    .action((id: string, words: string[]) => command(async () => accepted('message')(await api().request('POST', `/v1/generations/${id}/messages`, { text: words.join(' ') })))());
  const toolRoutes = { retry: 'retry', skip: 'skip', approve: 'approve', 'cancel-tool': 'cancel' } as const;
  cli
    .command('deny')
    .argument('<id>')
    .argument('<toolUseId>')
    .option('-r, --reason <reason>', 'why: the model is told')
    .description('deny a tool call waiting for approval')
    .action((id: string, toolUseId: string, options: { reason?: string }) =>
      command(async () =>
        accepted('deny')(await api().request('POST', `/v1/generations/${id}/tools/${encodeURIComponent(toolUseId)}/deny`, { reason: options.reason })),
      )(),
    );
  for (const [name, route] of Object.entries(toolRoutes)) {
    cli
      .command(name)
      .argument('<id>')
      .argument('<toolUseId>')
      .description(`${name} a tool call`)
      .action((id: string, toolUseId: string) =>
        command(async () => accepted(name)(await api().request('POST', `/v1/generations/${id}/tools/${encodeURIComponent(toolUseId)}/${route}`)))(),
      );
  }
  return cli;
}

void program().parseAsync(process.argv);
