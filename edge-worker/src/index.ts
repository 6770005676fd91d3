// Worker entry: HTTP (Hono), the work queue consumer, and the Cron Trigger.
import type { Env } from './env.ts';
import { createApp } from './http/app.ts';
import { consumeBatch } from './queue/consumer.ts';
import type { Job } from './jobs.ts';
import { refreshZendeskTokens } from './scheduled/refresh-zendesk-tokens.ts';

// Durable Object classes must be exported by the entry module (wrangler.toml [[durable_objects.bindings]]).
export { SenderPacer } from './send/sender-pacer.ts';

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) => consumeBatch(batch, env),
  scheduled: (controller, env, ctx) => {
    ctx.waitUntil(refreshZendeskTokens(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env, Job>;
