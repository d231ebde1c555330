// Reads the session cookie into request.user and offers route guards by role.
import type { CurrentUser } from '@onward/contract';
import { forbidden, hasRole, type Role, unauthorized } from '@onward/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hashSessionToken, looksLikeSessionToken, SESSION_COOKIE } from '../accounts/session-tokens.ts';
import type { AppDeps } from '../deps.ts';

export interface SessionUser extends CurrentUser {
  sessionId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in user, once `authenticate` ran; null for anonymous requests. */
    user: SessionUser | null;
  }
}

export const authPlugin = fp(async (app: FastifyInstance, opts: { deps: AppDeps }) => {
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token || !looksLikeSessionToken(token)) return;
    const row = await opts.deps.sessions.findActiveSession(hashSessionToken(token));
    if (!row) return;
    request.user = {
      sessionId: row.session_id,
      id: row.id,
      handle: row.handle,
      role: row.role,
      verifiedProfessional: row.verified_professional,
      createdAt: row.created_at.toISOString(),
    };
  });
});

/** preHandler guard: a logged-in user with at least `role`. */
export function requireRole(role: Role) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    if (!request.user) throw unauthorized();
    if (!hasRole(request.user.role, role)) throw forbidden();
  };
}

export const requireUser = requireRole('member');

/** The logged-in user inside a guarded route. */
export function userOf(request: FastifyRequest): SessionUser {
  if (!request.user) throw unauthorized();
  return request.user;
}
