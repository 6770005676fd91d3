// createWorkerApi(client): the only way this app talks to the worker. Every call is a ZAF secure
// request: Zendesk's proxy signs a short-lived HS256 JWT with the installation's secure
// `shared_secret` setting (never visible to browser code) and sends it as a bearer token.
// Responses are parsed with the shared zod schemas; failures become WorkerApiError.
// Endpoint groups (admin-api.ts, sidebar-api.ts) are thin layers over `call`, so a location's
// bundle only carries the schemas it uses.
import type { z } from 'zod';
import type { HttpMethod, ZafClient, ZafRequestOptions } from '../zaf/types.ts';
import { WorkerApiError, toWorkerApiError } from './errors.ts';

/** Seconds a signed token lives; the worker rejects older ones. */
const JWT_EXPIRY_SECONDS = 300;

export interface WorkerApi {
  /** Sends a request and parses the JSON answer with `schema`. */
  call<S extends z.ZodType>(method: HttpMethod, path: string, schema: S, body?: unknown): Promise<z.output<S>>;
  /** Sends a request whose answer has no body (204). */
  callNoContent(method: HttpMethod, path: string, body?: unknown): Promise<void>;
}

interface Target {
  workerUrl: string;
  installationId: string;
  userId: string;
}

function readSetting(settings: Record<string, unknown>, name: string): string {
  const value = settings[name];
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

async function resolveTarget(client: ZafClient): Promise<Target> {
  const [metadata, user] = await Promise.all([client.metadata(), client.get('currentUser')]);
  const workerUrl = readSetting(metadata.settings, 'worker_url').replace(/\/+$/, '');
  const installationId = readSetting(metadata.settings, 'installation_id');
  if (workerUrl === '' || installationId === '') {
    throw new WorkerApiError(0, {
      code: 'app_not_configured',
      message: 'The app settings "worker_url" and "installation_id" must be filled in by an admin.',
    });
  }
  const currentUser = user.currentUser as { id?: number | string } | undefined;
  if (currentUser?.id === undefined) {
    throw new WorkerApiError(0, { code: 'no_current_user', message: 'Could not read the current Zendesk user.' });
  }
  return { workerUrl, installationId, userId: String(currentUser.id) };
}

function parseJson(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

export function createWorkerApi(client: ZafClient): WorkerApi {
  let target: Promise<Target> | null = null;
  const getTarget = () => {
    target ??= resolveTarget(client).catch((error: unknown) => {
      target = null; // settings may be fixed; try again next call
      throw error;
    });
    return target;
  };

  async function send(method: HttpMethod, path: string, body: unknown): Promise<unknown> {
    const { workerUrl, installationId, userId } = await getTarget();
    const options: ZafRequestOptions = {
      url: `${workerUrl}${path}`,
      type: method,
      contentType: 'application/json',
      secure: true,
      cors: false,
      headers: { Authorization: 'Bearer {{jwt.token}}' },
      jwt: {
        algorithm: 'HS256',
        secret_key: '{{setting.shared_secret}}',
        expiry: JWT_EXPIRY_SECONDS,
        claims: { iss: installationId, sub: userId },
      },
    };
    if (body !== undefined) options.data = JSON.stringify(body);
    try {
      return parseJson(await client.request(options));
    } catch (reason) {
      throw toWorkerApiError(reason);
    }
  }

  return {
    async call(method, path, schema, body) {
      const raw = await send(method, path, body);
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        throw new WorkerApiError(200, {
          code: 'invalid_response',
          message: `Unexpected answer from the worker for ${method} ${path}`,
        });
      }
      return parsed.data;
    },
    async callNoContent(method, path, body) {
      await send(method, path, body);
    },
  };
}
