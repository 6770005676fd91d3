// The URLs an installation hands to Zendesk (trigger webhook) and Telnyx (delivery callbacks).
import type { Env } from './env.ts';

export function webhookUrls(env: Env, installationId: string): { zendesk: string; telnyx: string } {
  const base = env.PUBLIC_BASE_URL.replace(/\/+$/, '');
  return {
    zendesk: `${base}/v1/webhooks/zendesk/${installationId}`,
    telnyx: `${base}/v1/webhooks/telnyx/${installationId}`,
  };
}
