// Security headers on every response the hub sends: the API, /healthz, /metrics, /api/docs and the
// portal. The API answers JSON that a browser should never render, frame or share with another
// origin, so its policy denies everything; the portal (portal.ts) and the API docs viewer replace the
// Content-Security-Policy with the one their pages need. HSTS only over https (a plain-http demo on
// 127.0.0.1 must stay reachable). Written by hand rather than with @fastify/helmet: these are eight
// fixed headers, and the portal already keeps its own CSP with pinned script hashes.
import type { FastifyInstance } from 'fastify';

export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

const HSTS = 'max-age=31536000; includeSubDomains';

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) {
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
    if (request.protocol === 'https' && !reply.hasHeader('strict-transport-security')) reply.header('strict-transport-security', HSTS);
    // Answers carry tenants, mappings and audit entries: no cache keeps a copy.
    if (request.url.startsWith('/api/v1/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
}

/** The docs viewer's own CSP, as @fastify/swagger-ui computes it, minus what a plain-http hub cannot use. */
export function docsCsp(header: string): string {
  return header
    .replace(/\s*upgrade-insecure-requests;?/, '')
    .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
    .replace(' validator.swagger.io', '')
    .trim();
}
