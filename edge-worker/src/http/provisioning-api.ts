// Provisioning: how a Zendesk account gets its installation, shared secret and webhook URLs.
//
// Two ways to call POST /v1/installations (README "Provisioning an installation"):
//  - an operator of a self-hosted worker: `Authorization: Bearer <PROVISIONING_TOKEN>` (a worker
//    secret), e.g. through `npm run provision`;
//  - self-service from the app's setup screen: no operator token, but the Zendesk OAuth
//    credentials in the body must belong to an ADMIN of that subdomain (checked by calling
//    /api/v2/users/me.json on it). That proves the caller administers the account.
// The answer carries the installation id and the shared secret for the app's settings: the only
// time the secret leaves the worker, and only to the party that created the installation.
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { ApiError } from '../../../shared/schemas/api.ts';
import { Settings, TelnyxCredentials, ZendeskOAuthCredentials } from '../../../shared/schemas/settings.ts';
import { randomToken, timingSafeEqualStrings } from '../crypto/secrets.ts';
import { insertInstallation, readInstallationBySubdomain, StoredTelnyx } from '../db/installations.ts';
import { AppError, UpstreamError } from '../errors.ts';
import { createZendeskClient } from '../zendesk/client.ts';
import { zendeskBaseUrl } from '../zendesk/for-installation.ts';
import type { AppEnv } from './context.ts';
import { errors, jsonBody, jsonResponse } from './openapi-helpers.ts';
import { webhookUrls } from './webhook-urls.ts';

const ProvisionRequest = z.object({
  subdomain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Must be a Zendesk subdomain such as acme (from acme.zendesk.com)'),
  /** Generated when omitted. At least 32 characters: it is an HMAC key. */
  sharedSecret: z.string().min(32, 'Shared secret must be at least 32 characters').max(200).optional(),
  zendeskOAuth: ZendeskOAuthCredentials,
  telnyx: TelnyxCredentials.optional(),
  settings: Settings.partial().optional(),
  webhookSigningSecret: z.string().min(16).max(200).optional(),
});

const ProvisionResponse = z
  .object({
    installationId: z.string(),
    subdomain: z.string(),
    sharedSecret: z.string().meta({ description: "Put this in the app's secure `shared_secret` setting. Shown once." }),
    webhookUrls: z.object({ zendesk: z.string(), telnyx: z.string() }),
    provisionedBy: z.enum(['operator', 'zendesk_admin']),
  })
  .meta({ id: 'ProvisionResponse' });

export const provisioningApi = new OpenAPIHono<AppEnv>();

provisioningApi.openAPIRegistry.registerComponent('securitySchemes', 'provisioningToken', {
  type: 'http',
  scheme: 'bearer',
  description: 'PROVISIONING_TOKEN of the worker (operators only). Optional: see the route description.',
});

provisioningApi.openapi(
  createRoute({
    method: 'post',
    path: '/installations',
    tags: ['Provisioning'],
    summary: 'Create the installation of a Zendesk account',
    description:
      'With the operator token, or without it when zendeskOAuth belongs to an admin of the subdomain. 409 when the subdomain already has an installation.',
    security: [{ provisioningToken: [] }, {}] as Array<Record<string, string[]>>,
    request: { body: jsonBody(ProvisionRequest) },
    responses: {
      201: jsonResponse(ProvisionResponse, 'Created'),
      401: { description: 'Bad operator token, or the OAuth token is not an admin of the subdomain', content: { 'application/json': { schema: ApiError } } },
      ...errors,
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const provisionedBy = await authorizeProvisioning(c.env, c.req.header('authorization'), body.subdomain, body.zendeskOAuth);
    if (await readInstallationBySubdomain(c.env.DB, body.subdomain)) {
      throw new AppError('conflict', `An installation for ${body.subdomain} already exists`);
    }
    const id = `inst_${randomToken(12)}`;
    const sharedSecret = body.sharedSecret ?? randomToken(32);
    const settings = Settings.parse({ defaultCountry: 'US', ...body.settings });
    await insertInstallation(c.env.DB, c.env.SECRETS_KEY, {
      id,
      subdomain: body.subdomain,
      sharedSecret,
      webhookSecret: body.webhookSigningSecret ?? null,
      settings,
      telnyx: body.telnyx ? StoredTelnyx.parse(body.telnyx) : null,
      zendeskOAuth: body.zendeskOAuth,
      now: new Date().toISOString(),
    });
    return c.json(
      { installationId: id, subdomain: body.subdomain, sharedSecret, webhookUrls: webhookUrls(c.env, id), provisionedBy },
      201,
    );
  },
);

async function authorizeProvisioning(
  env: AppEnv['Bindings'],
  authorization: string | undefined,
  subdomain: string,
  oauth: z.infer<typeof ZendeskOAuthCredentials>,
): Promise<'operator' | 'zendesk_admin'> {
  if (authorization) {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] ?? '';
    if (env.PROVISIONING_TOKEN && timingSafeEqualStrings(token, env.PROVISIONING_TOKEN)) return 'operator';
    throw new AppError('unauthorized', 'Invalid provisioning token');
  }
  const zendesk = createZendeskClient({ baseUrl: zendeskBaseUrl(env, subdomain), credentials: oauth });
  try {
    const me = await zendesk.getMe();
    if (me.role === 'admin') return 'zendesk_admin';
  } catch (err) {
    if (!(err instanceof UpstreamError) || err.isTransient) throw err;
  }
  throw new AppError('unauthorized', `The Zendesk OAuth token is not an admin's token of ${subdomain}`);
}
