// Small helpers to declare routes for @hono/zod-openapi with the API's shared conventions.
import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { ApiError } from '../../../shared/schemas/api.ts';

export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  required: true,
  ...(description ? { description } : {}),
  content: { 'application/json': { schema } },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ApiError } } });

/** Error responses every authenticated route can give. */
export const authErrors = {
  401: errorResponse('Missing, malformed, expired or wrongly signed token'),
  403: errorResponse('The caller is not allowed to do this'),
} as const;

export const errors = {
  400: errorResponse('Malformed request (e.g. invalid JSON)'),
  404: errorResponse('Not found (also for ids of another installation)'),
  409: errorResponse('Conflict, or requirements not met'),
  422: errorResponse('Validation failed: every offending field with its reason'),
} as const;

export const bearerSecurity = [{ session: [] }];

/** A route only callers of some standing may use: the session's bearer security, the auth error
 * responses and the role check (requireAdmin or requireManager, auth.ts) declared in one place. */
export function guardedRoute<
  P extends string,
  R extends Omit<RouteConfig, 'path' | 'security' | 'middleware'> & { path: P },
  M extends MiddlewareHandler,
>(roleCheck: M, route: R) {
  return createRoute({ ...route, security: bearerSecurity, responses: { ...route.responses, ...authErrors }, middleware: [roleCheck] as const });
}
