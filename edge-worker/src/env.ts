// The worker's bindings and configuration (wrangler.toml [vars], secrets, D1, Queues, AI).
import type { Job } from './jobs.ts';

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
  /** The app's static files (zendesk-app/dist/assets): the location pages and their scripts. */
  ASSETS: Fetcher;
  /**
   * PEM (SPKI) public key of the Zendesk app: verifies the RS256 JWT Zendesk signs for each page
   * load (ZAF signed URLs). From GET /api/v2/apps/{app_id}/public_key.pem.
   */
  ZENDESK_APP_PUBLIC_KEY: string;
  /** HS256 key of the worker's own session tokens (secret; at least 32 characters). */
  SESSION_SECRET: string;
  /** The product's global OAuth client (secrets). */
  ZENDESK_OAUTH_CLIENT_ID: string;
  ZENDESK_OAUTH_CLIENT_SECRET: string;
  /** Marketplace request headers on every Zendesk API call made from outside ZAF. */
  MARKETPLACE_NAME?: string;
  MARKETPLACE_ORGANIZATION_ID?: string;
  MARKETPLACE_APP_ID?: string;
  /** Where the location pages load the ZAF SDK from (default: Zendesk's CDN; the playground's locally). */
  ZAF_SDK_URL?: string;
  /** CSP frame-ancestors of the location pages (default https://*.zendesk.com). */
  APP_FRAME_ANCESTORS?: string;
  /** Operator secret for POST /v1/installations from the command line. */
  PROVISIONING_TOKEN?: string;
  /** base64 32-byte AES-GCM key that encrypts credentials stored in D1. */
  SECRETS_KEY: string;
  /**
   * Local runs only: when set, installations without a Telnyx key of their own send through
   * this key (the local Telnyx sandbox). Never set in production.
   */
  SANDBOX_TELNYX_API_KEY?: string;
  /** Local runs only: the sandbox's Ed25519 public key, so "Use the SMS sandbox" needs nothing pasted. */
  SANDBOX_TELNYX_PUBLIC_KEY?: string;
  // Issue 12b: test SMS rate limits (wrangler.toml [[ratelimits]]): per user, per installation.
  TEST_SEND_USER_LIMIT: RateLimit;
  TEST_SEND_INSTALLATION_LIMIT: RateLimit;
  // Send pacing (issue 13).
  /** The send pacer: one Durable Object per Telnyx account (edge-worker/src/send/sender-pacer.ts). */
  SEND_PACER: DurableObjectNamespace;
  // Soak only (db/fault-injection.ts, docs/soak.md): D1 errors injected on purpose. Never set in
  // production; refused unless PUBLIC_BASE_URL is on this machine.
  /** Probability 0..1 that a D1 call fails. */
  FAULT_INJECT_D1_RATE?: string;
  /** Seed of the injection sequence (default 1). */
  FAULT_INJECT_D1_SEED?: string;
  /** Share 0..1 of faults thrown after the call was made (default 0.25). */
  FAULT_INJECT_D1_AFTER?: string;
  /** Epoch ms after which nothing is injected. */
  FAULT_INJECT_D1_UNTIL?: string;
  /** Seconds after its due time before the sweeper takes unfinished work as lost (default 900; the soak sets less; also caps the 120 s grace of a `sending` row). */
  SWEEP_GRACE_SECONDS?: string;
}
