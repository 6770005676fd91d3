// createWorkerApi(session): the only way this app talks to the worker. The worker serves the
// app's pages, so every call is a same-origin `fetch` of a relative URL ("/v1/rules") with the
// session's bearer token and a JSON body. A 401 `session_expired` refreshes the session once and
// retries the call once; a refused refresh ends the session (the SessionProvider tells the UI).
// Answers are parsed with the shared zod schemas; failures become WorkerApiError.
// Endpoint groups (admin-api.ts, sidebar-api.ts) are thin layers over `call`, so a location's
// bundle only carries the schemas it uses.
import type { z } from 'zod';
import type { Session } from '../session/session.ts';
import type { HttpMethod } from '../zaf/types.ts';
import { WorkerApiError, errorFromResponse } from './errors.ts';

export interface WorkerApi {
  /** Sends a request and parses the JSON answer with `schema`. */
  call<S extends z.ZodType>(method: HttpMethod, path: string, schema: S, body?: unknown): Promise<z.output<S>>;
  /** Sends a request whose answer body is not needed (204, or a 200 acknowledgement). */
  callNoContent(method: HttpMethod, path: string, body?: unknown): Promise<void>;
}

interface Answer {
  status: number;
  statusText: string;
  text: string;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function createWorkerApi(session: Session): WorkerApi {
  async function attempt(method: HttpMethod, path: string, body: unknown, token: string): Promise<Answer> {
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${token}` };
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await session.fetch(path, init);
    } catch (reason) {
      throw new WorkerApiError(0, { code: 'network_error', message: reason instanceof Error ? reason.message : 'Request failed' });
    }
    return { status: response.status, statusText: response.statusText, text: await response.text() };
  }

  async function send(method: HttpMethod, path: string, body: unknown): Promise<unknown> {
    if (session.hasEnded) throw session.endedError();
    const token = session.token;
    let answer = await attempt(method, path, body, token);
    let error = answer.status >= 200 && answer.status < 300 ? null : errorFromResponse(answer.status, answer.statusText, answer.text);
    if (error?.status === 401 && error.code === 'session_expired') {
      // Another call may have refreshed meanwhile; otherwise refresh (shared with concurrent calls).
      const next = session.token !== token ? session.token : (await session.refresh()).token;
      answer = await attempt(method, path, body, next);
      error = answer.status >= 200 && answer.status < 300 ? null : errorFromResponse(answer.status, answer.statusText, answer.text);
    }
    if (error) throw error;
    return answer.status === 204 ? undefined : parseJson(answer.text);
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
