// Command line provisioning for self-hosting operators (one worker, one Zendesk account): creates
// the installation on a deployed (or local) worker through POST /v1/installations. The app needs
// no settings: the first page load Zendesk signs binds it. Accounts of a shared deployment use
// Connect in the app instead. Usage: see `npm run provision -- --help`.
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.WORKER_URL ?? 'http://127.0.0.1:8787' },
    subdomain: { type: 'string' },
    'zendesk-token': { type: 'string', default: process.env.ZENDESK_OAUTH_TOKEN },
    'zendesk-refresh-token': { type: 'string', default: process.env.ZENDESK_REFRESH_TOKEN },
    'zendesk-client-id': { type: 'string', default: process.env.ZENDESK_CLIENT_ID },
    'zendesk-client-secret': { type: 'string', default: process.env.ZENDESK_CLIENT_SECRET },
    'telnyx-key': { type: 'string', default: process.env.TELNYX_API_KEY },
    'telnyx-profile': { type: 'string', default: process.env.TELNYX_MESSAGING_PROFILE_ID },
    'telnyx-public-key': { type: 'string', default: process.env.TELNYX_PUBLIC_KEY },
    'webhook-secret': { type: 'string' },
    'default-country': { type: 'string', default: 'US' },
    help: { type: 'boolean', default: false },
  },
});

const usage = `npm run provision -- --subdomain acme --zendesk-token <oauth access token> [options]

  --url                     worker URL (default $WORKER_URL or http://127.0.0.1:8787)
  --zendesk-token           Zendesk OAuth access token (or $ZENDESK_OAUTH_TOKEN)
  --zendesk-refresh-token   refresh token, with --zendesk-client-id / --zendesk-client-secret
  --telnyx-key --telnyx-profile --telnyx-public-key   connect Telnyx now (or later in the app)
  --webhook-secret          the Zendesk webhook signing secret, if the webhook exists already
  --default-country         two-letter country for numbers typed without +country (default US)

The operator token is read from $PROVISIONING_TOKEN (the worker secret of the same name), and the
Zendesk token must belong to an admin of the subdomain.`;

if (values.help || !values.subdomain || !values['zendesk-token'] || !process.env.PROVISIONING_TOKEN) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}

const telnyx = values['telnyx-key']
  ? { apiKey: values['telnyx-key'], messagingProfileId: values['telnyx-profile'] ?? null, publicKey: values['telnyx-public-key'] ?? null }
  : undefined;
const body = {
  subdomain: values.subdomain,
  zendeskOAuth: {
    accessToken: values['zendesk-token'],
    refreshToken: values['zendesk-refresh-token'] ?? null,
    clientId: values['zendesk-client-id'] ?? null,
    clientSecret: values['zendesk-client-secret'] ?? null,
  },
  ...(telnyx ? { telnyx } : {}),
  ...(values['webhook-secret'] ? { webhookSigningSecret: values['webhook-secret'] } : {}),
  settings: { defaultCountry: values['default-country'] },
};

const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${process.env.PROVISIONING_TOKEN}` };
const res = await fetch(`${values.url.replace(/\/+$/, '')}/v1/installations`, { method: 'POST', headers, body: JSON.stringify(body) });
const answer = (await res.json()) as Record<string, unknown>;
if (res.status !== 201) {
  console.error(`Provisioning failed (${res.status}):`, JSON.stringify(answer, null, 2));
  process.exit(1);
}
const out = answer as { installationId: string; webhookUrls: { zendesk: string; telnyx: string } };
console.log(`Installation ${out.installationId} created for ${values.subdomain}.

Install the app in Zendesk (packaged with WORKER_URL=${values.url}); it needs no settings: the
first time it opens, the page Zendesk signs binds it to this installation.

Webhook URLs (the app's Setup tab creates the Zendesk webhook and triggers for you):
  Zendesk  ${out.webhookUrls.zendesk}
  Telnyx   ${out.webhookUrls.telnyx}   (the worker sets it per message; no profile change needed)`);
