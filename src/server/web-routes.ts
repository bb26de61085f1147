import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';

/** The checkout's root, from src/server or from its build in dist/src/server. */
function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/**
 * The web view: two HTML shells, a stylesheet and one script. The script is src/web/app.ts bundled
 * by esbuild on first request and kept in memory: a bundle, because it imports the shared reducer
 * and formatting (CommonJS TypeScript) that the browser must run as is; at request time, so `npm start`
 * needs no extra build step. These files hold no data, so they need no token; the page sends the
 * token (from `#token=` or localStorage) with its API calls.
 */
export function webRoutes(temporalUiUrl: string): Router {
  const router = Router();
  const root = projectRoot();
  let bundle: Promise<string> | undefined;
  const buildBundle = async (): Promise<string> => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({ entryPoints: [path.join(root, 'src/web/app.ts')], bundle: true, write: false, format: 'esm', target: 'es2022', minify: false, logLevel: 'silent' });
    return result.outputFiles[0].text;
  };

  router.get('/assets/app.js', async function appScript(_req, res) {
    bundle ??= buildBundle().catch((err: unknown) => {
      bundle = undefined;
      throw err;
    });
    res.type('text/javascript').send(await bundle);
  });
  router.get('/assets/app.css', function appStyles(_req, res) {
    res.sendFile(path.join(root, 'src/web/static/app.css'));
  });
  const page = (file: string) =>
    function htmlPage(_req: unknown, res: import('express').Response) {
      const html = fs.readFileSync(path.join(root, 'src/web/static', file), 'utf8').replace('{{TEMPORAL_UI}}', temporalUiUrl.replace(/"/g, '&quot;'));
      res.type('html').send(html);
    };
  router.get('/', page('index.html'));
  router.get('/generations/:id', page('generation.html'));
  return router;
}
