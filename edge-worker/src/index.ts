// Worker entry: HTTP (Hono), the work queue consumer, and the Cron Trigger.
import type { Env } from './env.ts';
import { createApp } from './http/app.ts';
import { consumeBatch } from './queue/consumer.ts';
import type { Job } from './jobs.ts';
import { refreshZendeskTokens } from './scheduled/refresh-zendesk-tokens.ts';
import { PURGE_CRON, purgeExpiredData } from './scheduled/purge-expired-data.ts';

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) => consumeBatch(batch, env),
  scheduled: (controller, env, ctx) => {
    // Issue 12b: the daily retention purge has its own cron (wrangler.toml [triggers]).
    if (controller.cron === PURGE_CRON) {
      ctx.waitUntil(purgeExpiredData(env, controller.scheduledTime));
      return;
    }
    ctx.waitUntil(refreshZendeskTokens(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env, Job>;
