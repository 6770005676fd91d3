// Worker entry: HTTP (Hono), the work queue consumer, and the Cron Trigger.
import type { Env } from './env.ts';
import { withD1FaultInjection } from './db/fault-injection.ts';
import { createApp } from './http/app.ts';
import { consumeBatch } from './queue/consumer.ts';
import type { Job } from './jobs.ts';
import { refreshZendeskTokens } from './scheduled/refresh-zendesk-tokens.ts';

const app = createApp();

// D1 faults on purpose for the soak only (db/fault-injection.ts): a no-op unless configured.
export default withD1FaultInjection({
  fetch: app.fetch,
  queue: (batch, env) => consumeBatch(batch, env),
  scheduled: (controller, env, ctx) => {
    ctx.waitUntil(refreshZendeskTokens(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env, Job>);
