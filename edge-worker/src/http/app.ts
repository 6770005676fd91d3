// The HTTP surface: one Hono app, routes mounted per area, one error mapping, one OpenAPI
// document generated from the same zod schemas that validate requests (GET /openapi.json).
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import type { ApiError, FieldError } from '../../../shared/schemas/api.ts';
import { AppError, RateLimitedError, UpstreamError } from '../errors.ts';
import { appPages } from './app-pages.ts';
import { attentionApi } from './attention-api.ts';
import { requireAppAuth } from './auth.ts';
import { connectApi } from './connect-api.ts';
import type { AppEnv } from './context.ts';
import { provisioningApi } from './provisioning-api.ts';
import { reportApi } from './report-api.ts';
import { privacyApi } from './privacy-api.ts';
import { rulesApi } from './rules-api.ts';
import { sessionApi } from './session-api.ts';
import { settingsApi } from './settings-api.ts';
import { statusApi } from './status-api.ts';
import { telnyxWebhook } from './telnyx-webhook.ts';
import { toolsApi } from './tools-api.ts';
import { zendeskWebhook } from './zendesk-webhook.ts';
import { toFieldErrors } from './validation.ts';

const errorBody = (code: string, message: string, fields?: FieldError[]): ApiError => ({
  error: { code, message, ...(fields ? { fields } : {}) },
});

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({
    // Request validation failures: 422 with every offending field, prefixed by where it was.
    defaultHook: (result, c) => {
      if (!result.success) {
        const where = result.target === 'json' ? [] : [result.target];
        const fields = toFieldErrors(result.error, where);
        return c.json(errorBody('validation_failed', 'The request has invalid fields', fields), 422);
      }
    },
  });

  app.onError((err, c) => {
    if (err instanceof RateLimitedError) c.header('Retry-After', String(err.retryAfterSeconds));
    if (err instanceof AppError) return c.json(errorBody(err.code, err.message, err.fields), err.status);
    if (err instanceof HTTPException) {
      // Hono raises these for malformed JSON bodies and similar client mistakes.
      const status = err.status >= 400 && err.status < 500 ? err.status : 400;
      return c.json(errorBody('bad_request', err.message || 'Malformed request'), status);
    }
    if (err instanceof UpstreamError) {
      console.error(JSON.stringify({ msg: 'upstream error', service: err.service, status: err.status }));
      return c.json(errorBody('upstream_unavailable', `${err.service === 'zendesk' ? 'Zendesk' : 'Telnyx'} did not answer as expected; try again`), 503);
    }
    // Unknown errors are ours: logged (no request body, which may hold secrets) and a 500.
    console.error(JSON.stringify({ msg: 'unhandled error', path: new URL(c.req.url).pathname, error: String(err), stack: err instanceof Error ? err.stack : undefined }));
    return c.json(errorBody('internal_error', 'Something went wrong on our side'), 500);
  });

  // The path is not echoed back (it is the caller's input).
  app.notFound((c) => c.json(errorBody('not_found', 'No such route'), 404));

  app.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      tags: ['Operations'],
      summary: 'Liveness: the worker answers (touches no binding)',
      responses: { 200: { description: 'Up', content: { 'application/json': { schema: z.object({ ok: z.literal(true) }) } } } },
    }),
    (c) => c.json({ ok: true as const }, 200),
  );

  app.route('/app', appPages);
  app.route('/', connectApi);
  app.route('/v1', sessionApi);
  app.route('/v1', provisioningApi);
  app.route('/v1/webhooks/zendesk', zendeskWebhook);
  app.route('/v1/webhooks/telnyx', telnyxWebhook);

  app.use('/v1/settings', requireAppAuth);
  app.use('/v1/settings/*', requireAppAuth);
  app.use('/v1/telnyx/*', requireAppAuth);
  app.use('/v1/audit', requireAppAuth);
  app.use('/v1/rules', requireAppAuth);
  app.use('/v1/rules/*', requireAppAuth);
  app.use('/v1/tickets/*', requireAppAuth);
  app.use('/v1/sends/*', requireAppAuth);
  app.use('/v1/preview', requireAppAuth);
  app.use('/v1/test-send', requireAppAuth);
  app.use('/v1/setup/*', requireAppAuth);
  app.use('/v1/report', requireAppAuth);
  app.use('/v1/report.csv', requireAppAuth);
  app.use('/v1/budget', requireAppAuth);
  app.use('/v1/erasure', requireAppAuth);
  // Issue 12: the admin's "Needs attention" list and its bulk retry.
  app.use('/v1/attention', requireAppAuth);
  app.use('/v1/attention/*', requireAppAuth);
  app.route('/v1', settingsApi);
  app.route('/v1', statusApi);
  app.route('/v1', toolsApi);
  app.route('/v1/rules', rulesApi);
  app.route('/v1', reportApi);
  app.route('/v1', privacyApi);
  app.route('/v1', attentionApi);

  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "The worker's own session token, handed to the app page after Zendesk's signed load was verified (docs/identity-and-install.md). 15 minutes; renew with POST /v1/session/refresh.",
  });
  app.doc31('/openapi.json', (c) => ({
    openapi: '3.1.0',
    info: {
      title: 'Post-Interaction SMS for Zendesk — worker API',
      version: '1.0.0',
      description: 'The API the Zendesk app, Zendesk webhooks, Telnyx callbacks and operators use.',
    },
    servers: [{ url: new URL(c.req.url).origin }],
  }));

  return app;
}
