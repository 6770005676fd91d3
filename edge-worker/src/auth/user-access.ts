// What a Zendesk user may do in the app, always from Zendesk itself (never from the browser):
//  - role: admins; agents whose custom role is named a supervisor role in the settings; other
//    agents. End users, suspended users and deleted users (`active: false`) are refused.
//  - which tickets' SMS they may read (the sidebar): Zendesk has no "can this agent view this
//    ticket" endpoint (docs/zendesk-platform-notes.md §6), so the decision follows the user's
//    `ticket_restriction` (Users API: "Specifies which tickets the user has access to. Possible
//    values are: organization, groups, assigned, requested, null"):
//      null          every ticket (admins always)
//      groups        the ticket's group is one of the user's groups, or the user is its assignee
//      organization  the ticket's organization is the user's, or the user is its assignee
//      assigned      the user is the assignee
//      anything else (requested, unknown values): refused — fail closed.
// Looked up with the installation's OAuth token; cached in D1 for ACCESS_TTL_MS.
import type { Role } from '../../../shared/schemas/api.ts';
import type { Installation } from '../db/installations.ts';
import {
  readCachedAccess,
  readCachedTicketAccess,
  type UserAccess,
  writeCachedAccess,
  writeCachedTicketAccess,
} from '../db/user-roles.ts';
import type { Env } from '../env.ts';
import { AppError, UpstreamError } from '../errors.ts';
import type { ZendeskClient } from '../zendesk/client.ts';
import { zendeskFor } from '../zendesk/for-installation.ts';

export const ACCESS_TTL_MS = 5 * 60_000;

/** The role of a user who may use the app, or a 403 for one who may not (pure). */
export function roleFrom(access: UserAccess): Role {
  if (access.blocked) throw new AppError('forbidden', 'This Zendesk user is suspended or deleted');
  if (access.role === 'end-user') throw new AppError('forbidden', 'Only agents can use this app');
  return access.role;
}

/** The caller's role, or a 403 for users who may not use the app at all. */
export async function resolveRole(
  env: Env,
  installation: Installation,
  userId: string,
  options: { fresh?: boolean } = {},
): Promise<Role> {
  return roleFrom(await resolveUserAccess(env, installation, userId, options));
}

export async function resolveUserAccess(
  env: Env,
  installation: Installation,
  userId: string,
  options: { fresh?: boolean } = {},
): Promise<UserAccess> {
  const now = Date.now();
  const cached = options.fresh ? null : await readCachedAccess(env.DB, installation.id, userId, now - ACCESS_TTL_MS);
  if (cached) return cached;
  const access = await lookUpUserAccess(await zendeskFor(env, installation), installation, userId);
  await writeCachedAccess(env.DB, installation.id, userId, access, now);
  return access;
}

/** What a user Zendesk does not know gets: nothing, and it is cached like any answer. */
const UNKNOWN_USER: UserAccess = { role: 'end-user', blocked: true, ticketRestriction: 'requested', organizationId: null };

async function lookUpUserAccess(zendesk: ZendeskClient, installation: Installation, userId: string): Promise<UserAccess> {
  const user = await zendesk.getUser(userId).catch((err: unknown) => {
    // Cached too (the caller writes it): a flood naming unknown users costs no Zendesk calls.
    if (err instanceof UpstreamError && err.status === 404) return null;
    throw err;
  });
  if (!user) return UNKNOWN_USER;
  const base = {
    blocked: user.suspended === true || user.active === false,
    ticketRestriction: user.role === 'admin' ? null : (user.ticket_restriction ?? null),
    organizationId: user.organization_id ?? null,
  };
  if (user.role === 'admin') return { ...base, role: 'admin' };
  if (user.role !== 'agent') return { ...base, role: 'end-user' };
  const supervisorNames = installation.settings.supervisorRoleNames.map((n) => n.trim().toLowerCase());
  if (user.custom_role_id && supervisorNames.length > 0) {
    const roles = await zendesk.listCustomRoles();
    const name = roles.find((r) => r.id === user.custom_role_id)?.name.trim().toLowerCase();
    if (name && supervisorNames.includes(name)) return { ...base, role: 'supervisor' };
  }
  return { ...base, role: 'agent' };
}

/**
 * Whether the user may read this ticket's SMS in the sidebar (see the table at the top). `access`
 * is the caller's, already resolved by the auth middleware.
 */
export async function mayViewTicket(
  env: Env,
  installation: Installation,
  userId: string,
  access: UserAccess,
  ticketId: string,
): Promise<boolean> {
  if (access.blocked) return false;
  if (access.ticketRestriction === null) return true;
  const now = Date.now();
  const cached = await readCachedTicketAccess(env.DB, installation.id, userId, ticketId, now - ACCESS_TTL_MS);
  if (cached !== null) return cached;
  const zendesk = await zendeskFor(env, installation);
  const ticket = await zendesk
    .getTicket(ticketId)
    .then((r) => r.ticket)
    .catch((err: unknown) => {
      if (err instanceof UpstreamError && err.status === 404) return null;
      throw err;
    });
  let allowed = false;
  if (ticket) {
    const assigned = ticket.assignee_id !== null && ticket.assignee_id !== undefined && String(ticket.assignee_id) === userId;
    if (access.ticketRestriction === 'assigned') allowed = assigned;
    else if (access.ticketRestriction === 'organization') {
      allowed = assigned || (access.organizationId !== null && ticket.organization_id === access.organizationId);
    } else if (access.ticketRestriction === 'groups') {
      const groupIds = assigned ? [] : (await zendesk.listGroupMemberships(userId)).map((m) => m.group_id);
      allowed = assigned || (ticket.group_id !== null && ticket.group_id !== undefined && groupIds.includes(ticket.group_id));
    }
  }
  await writeCachedTicketAccess(env.DB, installation.id, userId, ticketId, allowed, now);
  return allowed;
}
