import type { RequestListener } from 'node:http';
import { createApp, logToStderr, type AppDeps } from './create-app';
import { fastReads } from './fast-reads';

/** What the HTTP server runs: the pollers' two reads answered before Express, everything else by the app. */
export function createHttpHandler(deps: AppDeps): RequestListener {
  const log = deps.log ?? logToStderr;
  return fastReads({ generations: deps.generations, apiToken: deps.apiToken, log }, createApp({ ...deps, log }));
}
