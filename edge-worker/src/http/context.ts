// Hono environment shared by the route modules: bindings plus what the auth middleware sets.
import type { Role } from '../../../shared/schemas/api.ts';
import type { SessionSubject } from '../auth/session.ts';
import type { Env } from '../env.ts';
import type { Installation } from '../db/installations.ts';
import type { UserAccess } from '../db/user-roles.ts';

export interface Caller {
  installation: Installation;
  userId: string;
  /** Resolved server-side through the Zendesk API (cached), never taken from the browser. */
  role: Role;
  /** What Zendesk says about the caller (suspension, ticket restriction), from the same lookup. */
  access: UserAccess;
}

export interface AppEnv {
  Bindings: Env;
  Variables: { session: SessionSubject; caller: Caller };
}
