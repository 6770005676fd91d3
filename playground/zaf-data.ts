// The demo account as ZAF's data APIs show it: `currentUser`, `currentAccount` and `ticket` objects
// built from the Zendesk fake's account snapshot, in the shapes of the ZAF v2 Support API
// (developer.zendesk.com/api-reference/apps/apps-support-api/). Pure.
import type { ZendeskAccountSnapshot } from '../test/fakes/index.ts';
import type { ZendeskTicket, ZendeskUser } from '../test/fakes/zendesk-data.ts';

export interface ZafGroup {
  id: number;
  name: string;
}

export interface ZafUser {
  id: number;
  name: string;
  email: string | null;
  /** Zendesk role: admin | agent | end-user. */
  role: string;
  /** The custom role's id, when the user has one. */
  roleId: number | null;
  locale: string;
  timeZone: { ianaName: string; name: string };
  groups: ZafGroup[];
  organizations: unknown[];
  avatarUrl: string | null;
  alias: string;
  externalId: string | null;
  tags: string[];
}

export interface ZafTicket {
  id: number;
  subject: string;
  description: string;
  status: string;
  priority: string | null;
  type: string | null;
  tags: string[];
  via: { channel: string };
  requester: ZafUser | null;
  assignee: { user: ZafUser | null; group: ZafGroup | null };
  /** `ticket.customField:custom_field_<id>` values by field id. */
  customFields: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** What the playground page needs to list (users to act as, tickets to open). */
export interface PlaygroundUser extends ZafUser {
  /** Shown in the user picker, e.g. "supervisor (custom role Supervisor)". */
  roleLabel: string;
  phone: string | null;
}

export function toZafUser(user: ZendeskUser, account: ZendeskAccountSnapshot): ZafUser {
  const group = account.groups.find((g) => g.id === user.default_group_id);
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    roleId: user.custom_role_id,
    locale: user.locale,
    timeZone: { ianaName: user.iana_time_zone, name: user.time_zone },
    groups: group ? [{ id: group.id, name: group.name }] : [],
    organizations: [],
    avatarUrl: null,
    alias: '',
    externalId: null,
    tags: user.tags,
  };
}

export function toZafTicket(ticket: ZendeskTicket, account: ZendeskAccountSnapshot): ZafTicket {
  const user = (id: number | null) => {
    const found = account.users.find((u) => u.id === id);
    return found ? toZafUser(found, account) : null;
  };
  const group = account.groups.find((g) => g.id === ticket.group_id);
  return {
    id: ticket.id,
    subject: ticket.subject,
    description: ticket.description,
    status: ticket.status,
    priority: ticket.priority,
    type: ticket.type,
    tags: ticket.tags,
    via: { channel: ticket.via.channel },
    requester: user(ticket.requester_id),
    assignee: { user: user(ticket.assignee_id), group: group ? { id: group.id, name: group.name } : null },
    customFields: Object.fromEntries(ticket.custom_fields.map((f) => [String(f.id), f.value])),
    createdAt: ticket.created_at,
    updatedAt: ticket.updated_at,
  };
}

/** Agents and admins, the people who can open the app. */
export function playgroundUsers(account: ZendeskAccountSnapshot, customRoleNames: Map<number, string>): PlaygroundUser[] {
  return account.users
    .filter((u) => u.role === 'admin' || u.role === 'agent')
    .map((u) => {
      const custom = u.custom_role_id ? customRoleNames.get(u.custom_role_id) : undefined;
      return {
        ...toZafUser(u, account),
        roleLabel: u.role === 'admin' ? 'admin' : custom ? `agent, role ${custom}` : 'agent',
        phone: u.phone,
      };
    });
}
