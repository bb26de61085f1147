import type { Router } from 'express';
import { openApiDocument } from '../../src/server/openapi';
import { generationsRouter } from '../../src/server/routes/generations';
import { webRoutes } from '../../src/server/web-routes';

/** `METHOD /path` for each route a router registers, in OpenAPI's `{param}` form, under `prefix`. */
function routesOf(router: Router, prefix: string): string[] {
  const layers = (router as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] }).stack;
  return layers.flatMap((layer) => {
    if (!layer.route) return [];
    const path = (prefix + layer.route.path).replace(/:(\w+)/g, '{$1}').replace(/(.)\/$/, '$1');
    return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${path}`);
  });
}

test('every route of the API and the web view is in /openapi.json', () => {
  const unused = {} as never;
  const routes = [...routesOf(generationsRouter(unused, unused, unused), '/v1/generations'), ...routesOf(webRoutes(unused), '')];
  const documented = new Set(Object.entries(openApiDocument.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`)));
  expect(routes.length).toBeGreaterThan(15);
  expect(routes.filter((route) => !documented.has(route))).toEqual([]);
});
