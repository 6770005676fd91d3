// The worker's bindings and configuration (wrangler.toml [vars], secrets, D1, Queues, AI).
import type { Job } from './queue/jobs.ts';

export interface Env {
  DB: D1Database;
  SEND_QUEUE: Queue<Job>;
  /** Workers AI; absent locally and in tests (the summariser falls back to extractive). */
  AI?: Ai;
  /** e.g. https://{subdomain}.zendesk.com — {subdomain} is replaced per installation. */
  ZENDESK_BASE_URL_TEMPLATE: string;
  /** Telnyx API base including /v2 (the SDK appends paths such as /messages). */
  TELNYX_BASE_URL: string;
  /** Milliseconds before a Telnyx request is abandoned (then treated as outcome unknown). */
  TELNYX_TIMEOUT_MS?: string;
  /** Public URL of this worker, used to build webhook URLs handed to Zendesk and Telnyx. */
  PUBLIC_BASE_URL: string;
  /** Operator secret for POST /v1/installations from the command line. */
  PROVISIONING_TOKEN?: string;
  /** base64 32-byte AES-GCM key that encrypts credentials stored in D1. */
  SECRETS_KEY: string;
  /**
   * Local runs only: when set, installations without a Telnyx key of their own send through
   * this key (the local Telnyx sandbox). Never set in production.
   */
  SANDBOX_TELNYX_API_KEY?: string;
}
