// Worker entry: HTTP (Hono), the work queue consumer, and the Cron Trigger.
import type { Env } from './env.ts';
import { withD1FaultInjection } from './db/fault-injection.ts';
import { createApp } from './http/app.ts';
import { consumeBatch } from './queue/consumer.ts';
import { consumeDeadLetters, DEAD_LETTER_QUEUE } from './queue/dead-letters.ts';
import type { Job } from './jobs.ts';
import { refreshZendeskTokens } from './scheduled/refresh-zendesk-tokens.ts';
import { PURGE_CRON, purgeExpiredData } from './scheduled/purge-expired-data.ts';
import { SWEEP_CRON, sweepStuckWork } from './scheduled/sweep-stuck-work.ts';

// Durable Object classes must be exported by the entry module (wrangler.toml [[durable_objects.bindings]]).
export { SenderPacer } from './send/sender-pacer.ts';

const app = createApp();

// D1 faults on purpose for the soak only (db/fault-injection.ts): a no-op unless configured.
export default withD1FaultInjection({
  fetch: app.fetch,
  queue: (batch, env) => (batch.queue === DEAD_LETTER_QUEUE ? consumeDeadLetters(batch, env) : consumeBatch(batch, env)),
  scheduled: (controller, env, ctx) => {
    // Each cron of wrangler.toml [triggers] runs its own job.
    if (controller.cron === PURGE_CRON) ctx.waitUntil(purgeExpiredData(env, controller.scheduledTime));
    else if (controller.cron === SWEEP_CRON) ctx.waitUntil(sweepStuckWork(env, controller.scheduledTime));
    else ctx.waitUntil(refreshZendeskTokens(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env, Job>);
