import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ApiKeyKind } from './api-key.entity';

/** Who is calling: resolved from the API key by the AuthGuard, never from a free header. */
export interface AuthContext {
  projectId: string;
  keyId: string;
  appId: string;
  kind: ApiKeyKind;
  /** `API` for server keys, `CLIENT_API` for client keys (the contract's event_source.channel). */
  channel: 'API' | 'CLIENT_API';
}

/** Who is calling the management API: an operator's management key. */
export interface ManagementAuthContext {
  keyId: string;
  managementId: string;
}

export type AuthenticatedRequest = FastifyRequest & {
  auth?: AuthContext;
  management?: ManagementAuthContext;
};

export function authOf(request: FastifyRequest): AuthContext | undefined {
  return (request as AuthenticatedRequest).auth;
}

/** Injects the caller's AuthContext into a controller method. */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  const auth = authOf(ctx.switchToHttp().getRequest<FastifyRequest>());
  if (!auth) throw new Error('Auth() used on a route without authentication');
  return auth;
});

/** Injects only the caller's project id. */
export const ProjectId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const auth = authOf(ctx.switchToHttp().getRequest<FastifyRequest>());
  if (!auth) throw new Error('ProjectId() used on a route without authentication');
  return auth.projectId;
});

export function managementAuthOf(request: FastifyRequest): ManagementAuthContext | undefined {
  return (request as AuthenticatedRequest).management;
}

/** Injects the management key of a /management/v1 route. */
export const ManagementAuth = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): ManagementAuthContext => {
    const auth = managementAuthOf(ctx.switchToHttp().getRequest<FastifyRequest>());
    if (!auth) throw new Error('ManagementAuth() used outside /management/v1');
    return auth;
  },
);
