// Small helpers to declare routes for @hono/zod-openapi with the API's shared conventions.
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
