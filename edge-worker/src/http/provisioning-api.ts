// Provisioning by an operator (a self-hosted worker serving one Zendesk account): POST
// /v1/installations with `Authorization: Bearer <PROVISIONING_TOKEN>` (`npm run provision`).
// Zendesk accounts of a multi-account deployment are connected by their admins instead (Connect:
// http/connect-api.ts). The first verified page load from the account binds its app installation.
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { ApiError } from '../../../shared/schemas/api.ts';
import { Settings, TelnyxCredentials, ZendeskOAuthCredentials } from '../../../shared/schemas/settings.ts';
import { randomToken, timingSafeEqualStrings } from '../crypto/secrets.ts';
import { insertInstallation, readInstallationBySubdomain, StoredTelnyx } from '../db/installations.ts';
import { AppError, UpstreamError } from '../errors.ts';
import { createZendeskClient } from '../zendesk/client.ts';
import { zendeskBaseUrl, zendeskClientDefaults } from '../zendesk/for-installation.ts';
import type { AppEnv } from './context.ts';
import { errors, jsonBody, jsonResponse } from './openapi-helpers.ts';
import { webhookUrls } from '../webhook-urls.ts';

const ProvisionRequest = z.object({
  subdomain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Must be a Zendesk subdomain such as acme (from acme.zendesk.com)'),
  zendeskOAuth: ZendeskOAuthCredentials,
  telnyx: TelnyxCredentials.optional(),
  settings: Settings.partial().optional(),
  webhookSigningSecret: z.string().min(16).max(200).optional(),
});

const ProvisionResponse = z
  .object({
    installationId: z.string(),
    subdomain: z.string(),
    webhookUrls: z.object({ zendesk: z.string(), telnyx: z.string() }),
    provisionedBy: z.literal('operator'),
  })
  .meta({ id: 'ProvisionResponse' });

export const provisioningApi = new OpenAPIHono<AppEnv>();

provisioningApi.openAPIRegistry.registerComponent('securitySchemes', 'provisioningToken', {
  type: 'http',
  scheme: 'bearer',
  description: 'PROVISIONING_TOKEN of the worker (operators only).',
});

provisioningApi.openapi(
  createRoute({
    method: 'post',
    path: '/installations',
    tags: ['Provisioning'],
    summary: 'Create the installation of a Zendesk account (operators of a self-hosted worker)',
    description: '409 when the subdomain already has an installation. Accounts of a shared deployment connect from the app instead.',
    security: [{ provisioningToken: [] }],
    request: { body: jsonBody(ProvisionRequest) },
    responses: {
      201: jsonResponse(ProvisionResponse, 'Created'),
      401: { description: 'Missing or wrong operator token', content: { 'application/json': { schema: ApiError } } },
      ...errors,
    },
  }),
  async (c) => {
    authorizeOperator(c.env, c.req.header('authorization'));
    const body = c.req.valid('json');
    const zendesk = createZendeskClient({ ...zendeskClientDefaults(c.env), baseUrl: zendeskBaseUrl(c.env, body.subdomain), credentials: body.zendeskOAuth });
    const me = await zendesk.getMe().catch((err: unknown) => {
      if (err instanceof UpstreamError && !err.isTransient) return null;
      throw err;
    });
    if (me?.role !== 'admin') throw new AppError('unauthorized', "The Zendesk OAuth token is not an admin's token of that account");
    if (await readInstallationBySubdomain(c.env.DB, body.subdomain)) {
      throw new AppError('conflict', 'That Zendesk account already has an installation');
    }
    const id = `inst_${randomToken(12)}`;
    const settings = Settings.parse({ defaultCountry: 'US', ...body.settings });
    await insertInstallation(c.env.DB, c.env.SECRETS_KEY, {
      id,
      subdomain: body.subdomain,
      appInstallationId: null,
      connectedBy: String(me.id),
      webhookSecret: body.webhookSigningSecret ?? null,
      settings,
      telnyx: body.telnyx ? StoredTelnyx.parse(body.telnyx) : null,
      zendeskOAuth: body.zendeskOAuth,
      now: new Date().toISOString(),
    });
    return c.json(
      { installationId: id, subdomain: body.subdomain, webhookUrls: webhookUrls(c.env, id), provisionedBy: 'operator' as const },
      201,
    );
  },
);

function authorizeOperator(env: AppEnv['Bindings'], authorization: string | undefined): void {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
  if (!env.PROVISIONING_TOKEN || !timingSafeEqualStrings(token, env.PROVISIONING_TOKEN)) {
    throw new AppError('unauthorized', 'Invalid provisioning token');
  }
}
