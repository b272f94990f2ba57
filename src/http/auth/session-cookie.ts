// The portal's session cookie. httpOnly (scripts cannot read it), SameSite=Lax (not sent on
// cross-site subrequests or POSTs), Secure whenever the request came over https (directly, or via a
// proxy when trustProxy is on), Path=/ for the portal and the API alike.
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'psa_bridge_session';

export type SecureCookieMode = 'auto' | boolean;

export interface SessionCookieSettings {
  ttlMs: number;
  secure: SecureCookieMode;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, settings: SessionCookieSettings): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: settings.secure === 'auto' ? request.protocol === 'https' : settings.secure,
    maxAge: Math.floor(settings.ttlMs / 1000),
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, settings: SessionCookieSettings): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: settings.secure === 'auto' ? request.protocol === 'https' : settings.secure,
  });
}
