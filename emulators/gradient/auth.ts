// The one credential header: `GRADIENT-TOKEN: base64("<vendor key>:<partner key>")` (UTF-8), as the
// SDK (PSBuildGradientToken.ps1), the Python port and CIPP build it. The vendor key names the vendor,
// the partner key one MSP's connection; either wrong is a 401.
import type { FastifyRequest } from 'fastify';
import { unauthorized } from './errors.ts';
import type { GradientState, Organization } from './state.ts';

export const TOKEN_HEADER = 'gradient-token';

export function gradientToken(vendorKey: string, partnerKey: string): string {
  return Buffer.from(`${vendorKey}:${partnerKey}`, 'utf8').toString('base64');
}

export function authenticate(state: GradientState, request: FastifyRequest): Organization {
  const raw = request.headers[TOKEN_HEADER];
  const token = Array.isArray(raw) ? raw[0] : raw;
  if (token === undefined || token.trim() === '') throw unauthorized();
  const text = token.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw unauthorized();
  const decoded = Buffer.from(text, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw unauthorized();
  const vendorKey = decoded.slice(0, colon);
  const partnerKey = decoded.slice(colon + 1);
  if (vendorKey !== state.vendorKey) throw unauthorized();
  const org = state.organizations.get(partnerKey);
  if (org === undefined) throw unauthorized();
  return org;
}
