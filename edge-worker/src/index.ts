// Worker entry: HTTP (Hono) and the work queue consumer.
import type { Env } from './env.ts';
import { createApp } from './http/app.ts';
import { consumeBatch } from './queue/consumer.ts';
import type { Job } from './queue/jobs.ts';

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) => consumeBatch(batch, env),
} satisfies ExportedHandler<Env, Job>;
