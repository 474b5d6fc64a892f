import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Errors, IS_PUBLIC } from '@app/core';
import { ApiKeyCache } from './api-key.cache';
import { AuthenticatedRequest } from './auth-context';
import { secretMatches } from './secrets';

export const CLIENT_API_PREFIX = '/client/v1/';
/** Every route under this prefix is authenticated by management keys, and only by them. */
export const MANAGEMENT_API_PREFIX = '/management/v1/';
export const SKIP_PROJECT_AUTH = 'auth:skip-project';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

// Duplicate slashes are tolerated by the router, so they must be by these checks too.
const normalise = (url: string) => url.replace(/\/{2,}/g, '/');

export function isClientApiPath(url: string): boolean {
  return normalise(url).startsWith(CLIENT_API_PREFIX);
}

export function isManagementApiPath(url: string): boolean {
  const path = normalise(url).split('?')[0];
  return path.startsWith(MANAGEMENT_API_PREFIX) || path === MANAGEMENT_API_PREFIX.slice(0, -1);
}

function originAllowed(origin: string | undefined, allowed: string[]): boolean {
  if (allowed.length === 0 || allowed.includes('*')) return true;
  if (!origin) return false;
  const host = origin.replace(/^https?:\/\//, '').replace(/\/$/, '');
  return allowed.some(
    (entry) => entry === origin || entry === host || entry.replace(/^https?:\/\//, '') === host,
  );
}

/**
 * Global guard: every route needs a key unless marked @Public().
 * Server keys (X-App-Id/X-App-Token) on /v1; client keys (X-Client-Application-Id/X-Client-Token
 * plus an allowed origin) only on /client/v1; management keys (X-Management-Id/
 * X-Management-Token) only on /management/v1, where project keys are never accepted.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyCache,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    if (this.reflector.getAllAndOverride<boolean>(SKIP_PROJECT_AUTH, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (isManagementApiPath(request.url)) return this.authenticateManagement(request);
    if (header(request, 'x-management-id') && !header(request, 'x-app-id'))
      throw Errors.unauthorized('Management keys are accepted only on /management/v1 routes');
    const clientRoute = isClientApiPath(request.url);
    const appId = clientRoute
      ? header(request, 'x-client-application-id')
      : header(request, 'x-app-id');
    const token = clientRoute ? header(request, 'x-client-token') : header(request, 'x-app-token');

    if (!appId || !token) {
      if (!clientRoute && header(request, 'x-client-application-id')) {
        throw Errors.unauthorized('Client-side keys are accepted only on /client/v1 routes');
      }
      throw Errors.unauthorized(
        clientRoute
          ? 'Missing X-Client-Application-Id or X-Client-Token'
          : 'Missing X-App-Id or X-App-Token',
      );
    }
    if (appId.length > 64 || token.length > 128) throw Errors.unauthorized();

    const key = await this.keys.resolve(appId);
    if (!key || !secretMatches(token, key.secretHash)) throw Errors.unauthorized();
    if (clientRoute && key.kind !== 'client')
      throw Errors.unauthorized(
        'Server-side keys are not accepted on /client/v1 routes; use client-side keys',
      );
    if (!clientRoute && key.kind !== 'server')
      throw Errors.unauthorized('Client-side keys are accepted only on /client/v1 routes');
    if (clientRoute && !originAllowed(header(request, 'origin'), key.allowedOrigins)) {
      throw Errors.unauthorized('Origin is not allowed for this client-side key');
    }

    request.auth = {
      projectId: key.projectId,
      keyId: key.keyId,
      appId: key.appId,
      kind: key.kind,
      channel: clientRoute ? 'CLIENT_API' : 'API',
    };
    return true;
  }

  private async authenticateManagement(request: AuthenticatedRequest): Promise<boolean> {
    const managementId = header(request, 'x-management-id');
    const token = header(request, 'x-management-token');
    if (!managementId || !token) {
      throw Errors.unauthorized(
        header(request, 'x-app-id') || header(request, 'x-client-application-id')
          ? 'Project keys are not accepted on /management/v1 routes; use a management key'
          : 'Missing X-Management-Id or X-Management-Token',
      );
    }
    if (managementId.length > 64 || token.length > 128) throw Errors.unauthorized();
    const key = await this.keys.resolveManagement(managementId);
    if (!key || !secretMatches(token, key.secretHash)) throw Errors.unauthorized();
    request.management = { keyId: key.keyId, managementId: key.managementId };
    return true;
  }
}
