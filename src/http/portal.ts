// Serves the admin portal: static ES modules from web/ (no build step) and the few vendor modules
// the import map in web/index.html names, straight from node_modules. Client routes (/integrations,
// /connections/…) answer a browser (Accept: text/html) with index.html so a reload or a bookmark
// works; anything else, and all of /api, keeps the JSON 404.
//
// Security headers apply to what this plugin serves only (Swagger UI at /api/docs brings its own
// inline scripts). The import map is the one inline script; its hash is pinned in the CSP, read
// from index.html at start-up, so the policy cannot drift from the page.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { errorBody } from './api-error.ts';

export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

const require = createRequire(import.meta.url);

/** The directory of an installed package (walks up from its entry point: not every package exports package.json). */
function packageRoot(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (dir !== path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find the installed package "${name}"`);
}

/** URL under /assets/vendor/ → file on disk. Only these are served: node_modules is not browsable. */
function vendorFiles(): Map<string, string> {
  const preact = packageRoot('preact');
  const htm = packageRoot('htm');
  const uplot = packageRoot('uplot');
  const files: Array<[string, string]> = [
    ['preact/preact.module.js', path.join(preact, 'dist/preact.module.js')],
    ['preact/hooks.module.js', path.join(preact, 'hooks/dist/hooks.module.js')],
    ['htm/htm.module.js', path.join(htm, 'dist/htm.module.js')],
    ['htm/preact.module.js', path.join(htm, 'preact/index.module.js')],
    ['uplot/uPlot.esm.js', path.join(uplot, 'dist/uPlot.esm.js')],
    ['uplot/uPlot.min.css', path.join(uplot, 'dist/uPlot.min.css')],
  ];
  const map = new Map<string, string>();
  for (const [url, file] of files) {
    map.set(url, file);
    if (existsSync(`${file}.map`)) map.set(`${url}.map`, `${file}.map`);
  }
  return map;
}

/** CSP hashes of the inline `<script type="importmap">` blocks of index.html. */
export function importMapHashes(indexHtml: string): string[] {
  const hashes: string[] = [];
  for (const match of indexHtml.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)) {
    hashes.push(`'sha256-${createHash('sha256').update(match[1]!, 'utf8').digest('base64')}'`);
  }
  return hashes;
}

export function portalSecurityHeaders(scriptHashes: string[]): Record<string, string> {
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${scriptHashes.join(' ')}`.trim(),
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  };
}

const wantsHtml = (accept: string | undefined): boolean => accept !== undefined && accept.includes('text/html');

// A path whose last segment has an extension asks for a file; anything else is a client route.
const looksLikeFile = (urlPath: string): boolean => /\.[a-z0-9]+$/i.test(urlPath);

export async function portalRoutes(app: FastifyInstance): Promise<void> {
  const indexHtml = readFileSync(path.join(WEB_ROOT, 'index.html'), 'utf8');
  const headers = portalSecurityHeaders(importMapHashes(indexHtml));
  const vendor = vendorFiles();

  // serve: false only decorates reply.sendFile (which refuses paths escaping its root).
  await app.register(fastifyStatic, { root: WEB_ROOT, serve: false });

  app.addHook('onSend', async (_request, reply) => {
    reply.headers(headers);
    // No build step means no content hashes in file names: revalidate every time (ETag keeps it cheap).
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-cache');
  });

  const sendIndex = (reply: FastifyReply): FastifyReply => reply.type('text/html; charset=utf-8').sendFile('index.html', WEB_ROOT);
  const notFound = (reply: FastifyReply, urlPath: string): FastifyReply =>
    reply.code(404).type('application/json; charset=utf-8').send(errorBody('not_found', `No route GET ${urlPath}`));

  const hide = { schema: { hide: true } };

  app.get('/', hide, async (_request, reply) => sendIndex(reply));

  app.get<{ Params: { '*': string } }>('/assets/vendor/*', hide, async (request, reply) => {
    const file = vendor.get(request.params['*']);
    if (!file) return notFound(reply, request.url.split('?')[0]!);
    return reply.sendFile(path.basename(file), path.dirname(file));
  });

  app.get<{ Params: { '*': string } }>('/*', hide, async (request, reply) => {
    const urlPath = request.url.split('?')[0]!;
    if (urlPath === '/api' || urlPath.startsWith('/api/')) return notFound(reply, urlPath);
    // A browser navigating asks for HTML and gets the portal; API clients keep the JSON 404.
    if (!looksLikeFile(urlPath)) return wantsHtml(request.headers.accept) ? sendIndex(reply) : notFound(reply, urlPath);
    const relative = request.params['*'].replace(/^\/+/, '');
    const file = path.resolve(WEB_ROOT, relative);
    if (!file.startsWith(WEB_ROOT) || !existsSync(file)) return notFound(reply, urlPath);
    return reply.sendFile(relative, WEB_ROOT);
  });
}
