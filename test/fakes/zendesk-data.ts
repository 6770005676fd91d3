// Seed types, builders and the demo account for the Zendesk fake. Pure data, no I/O.
// Objects are in Zendesk's own JSON shape (snake_case, numeric ids), trimmed to the fields that
// matter plus the common ones a real response carries; anything extra in a seed is served as is.
// Shapes: https://developer.zendesk.com/api-reference/ticketing/ (users, groups, group_memberships,
// custom_roles, ticket_fields, tickets, ticket_comments).

export type UserRole = 'end-user' | 'agent' | 'admin';

/**
 * Users API `ticket_restriction`: "Specifies which tickets the user has access to. Possible values
 * are: "organization", "groups", "assigned", "requested", null"
 * (https://developer.zendesk.com/api-reference/ticketing/users/users/).
 */
export type TicketRestriction = 'organization' | 'groups' | 'assigned' | 'requested' | null;

export interface ZendeskUser {
  id: number;
  name: string;
  email: string | null;
  role: UserRole;
  /** 0 custom, 1 light agent, 2 chat, 3 contributor, 4 admin, 5 billing admin; null for end users. */
  role_type: number | null;
  custom_role_id: number | null;
  phone: string | null;
  shared_phone_number: boolean | null;
  default_group_id: number | null;
  organization_id: number | null;
  locale: string;
  time_zone: string;
  iana_time_zone: string;
  /** "false if the user has been deleted" (read-only in Zendesk). */
  active: boolean;
  verified: boolean;
  /** Suspended users "cannot sign in"; the fake refuses their tokens and keeps them off the consent page. */
  suspended: boolean;
  /** Default when absent from a seed: null for admins and agents, "requested" for end users. */
  ticket_restriction?: TicketRestriction;
  /** Default when absent: false for admins, `ticket_restriction !== null` for agents, true for end users. */
  restricted_agent?: boolean;
  tags: string[];
  user_fields: Record<string, string | number | boolean | null>;
  created_at: string;
  updated_at: string;
  [key: string]: unknown;
}

export interface ZendeskGroup {
  id: number;
  name: string;
  description: string;
  default: boolean;
  deleted: boolean;
  is_public: boolean;
  created_at: string;
  updated_at: string;
  [key: string]: unknown;
}

/**
 * A user's membership of a group (https://developer.zendesk.com/api-reference/ticketing/groups/group_memberships/).
 * `default` is true for the user's default group.
 */
export interface ZendeskGroupMembership {
  id: number;
  user_id: number;
  group_id: number;
  default: boolean;
  created_at: string;
  updated_at: string;
}

/** A membership in a seed: only `user_id` and `group_id` are needed. */
export type ZendeskGroupMembershipSeed = Partial<ZendeskGroupMembership> & { user_id: number; group_id: number };

export interface ZendeskCustomRole {
  id: number;
  name: string;
  description: string;
  role_type: number;
  team_member_count: number;
  configuration: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  [key: string]: unknown;
}

export interface ZendeskFieldOption {
  id: number;
  name: string;
  raw_name: string;
  value: string;
  default: boolean;
}

export interface ZendeskTicketField {
  id: number;
  type: string;
  title: string;
  raw_title: string;
  description: string;
  position: number;
  active: boolean;
  required: boolean;
  removable: boolean;
  /** Always null for ticket fields (only user and organization fields have keys). */
  key: null;
  tag: string | null;
  custom_field_options?: ZendeskFieldOption[];
  system_field_options?: { name: string; value: string }[];
  created_at: string;
  updated_at: string;
  [key: string]: unknown;
}

export type TicketStatus = 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';

export interface ZendeskVia {
  channel: string;
  source: { from: Record<string, unknown>; to: Record<string, unknown>; rel: string | null };
}

export interface ZendeskTicket {
  id: number;
  subject: string;
  raw_subject: string;
  description: string;
  status: TicketStatus;
  type: 'problem' | 'incident' | 'question' | 'task' | null;
  priority: 'urgent' | 'high' | 'normal' | 'low' | null;
  requester_id: number;
  submitter_id: number;
  assignee_id: number | null;
  group_id: number | null;
  organization_id: number | null;
  collaborator_ids: number[];
  follower_ids: number[];
  tags: string[];
  custom_fields: { id: number; value: string | string[] | boolean | null }[];
  via: ZendeskVia;
  brand_id: number;
  is_public: boolean;
  created_at: string;
  updated_at: string;
  [key: string]: unknown;
}

export interface ZendeskComment {
  id: number;
  type: 'Comment' | 'VoiceComment';
  author_id: number;
  body: string;
  html_body: string;
  plain_body: string;
  public: boolean;
  attachments: unknown[];
  audit_id: number;
  via: ZendeskVia;
  metadata: Record<string, unknown>;
  created_at: string;
  [key: string]: unknown;
}

export interface ZendeskTokenSeed {
  accessToken: string;
  refreshToken?: string;
  /** ISO-8601 or epoch milliseconds; absent = never expires. */
  expiresAt?: string | number;
  /** The user the token authenticates as (`users/me`); default: the first admin. */
  userId?: number;
  /** The OAuth client that issued it; refresh then needs that client's credentials. */
  clientId?: string;
  /** When the refresh token lapses: ISO-8601 or epoch milliseconds; absent = never. */
  refreshExpiresAt?: string | number;
  /** Space-separated scopes; default `read write`. */
  scope?: string;
}

/**
 * An OAuth client. Per-account clients (`oauthClients` of a seed) keep the fake's historical
 * defaults (2 h access tokens); global clients (`PUT /__control/oauth-clients`) default to
 * Zendesk's enforced global-client TTLs: 30 min access, 30 days refresh
 * (https://support.zendesk.com/hc/en-us/articles/10212201463962).
 */
export interface ZendeskOAuthClientSeed {
  clientId: string;
  clientSecret: string;
  /** Shown on the consent page; default the client id. */
  name?: string;
  /** Exact redirect URLs accepted by /oauth/authorizations/new; none = the code flow is refused. */
  redirectUris?: string[];
  /** Access token lifetime in seconds (global default 1800, per-account default 7200). */
  accessTokenTtlS?: number;
  /** Refresh token lifetime in seconds (default 2592000 = 30 days). */
  refreshTokenTtlS?: number;
}

/** Body of `PUT /__control/accounts/{subdomain}`. */
export interface ZendeskAccountSeed {
  tokens?: ZendeskTokenSeed[];
  oauthClients?: ZendeskOAuthClientSeed[];
  users?: ZendeskUser[];
  groups?: ZendeskGroup[];
  /** Absent: one membership per admin/agent with a `default_group_id` (that group, default true). */
  groupMemberships?: ZendeskGroupMembershipSeed[];
  customRoles?: ZendeskCustomRole[];
  ticketFields?: ZendeskTicketField[];
  tickets?: ZendeskTicket[];
  /** Comments per ticket id, oldest first. */
  comments?: Record<string, ZendeskComment[]>;
  /** Whether the account has messaging (default true): without it, trigger definitions offer no session-state condition. */
  messaging?: boolean;
}

const CREATED = '2026-01-05T08:00:00Z';

export function via(channel: string, from: Record<string, unknown> = {}): ZendeskVia {
  return { channel, source: { from, to: {}, rel: null } };
}

export function zendeskUser(input: Partial<ZendeskUser> & { id: number; name: string }): ZendeskUser {
  const role = input.role ?? 'end-user';
  return {
    email: `${input.name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com`,
    role,
    role_type: role === 'admin' ? 4 : null,
    custom_role_id: null,
    phone: null,
    shared_phone_number: input.phone ? false : null,
    default_group_id: null,
    organization_id: null,
    locale: 'en-US',
    time_zone: 'Eastern Time (US & Canada)',
    iana_time_zone: 'America/New_York',
    active: true,
    verified: true,
    suspended: false,
    ticket_restriction: role === 'end-user' ? 'requested' : null,
    tags: [],
    user_fields: {},
    created_at: CREATED,
    updated_at: CREATED,
    ...input,
  };
}

export function zendeskGroup(input: Partial<ZendeskGroup> & { id: number; name: string }): ZendeskGroup {
  return {
    description: '',
    default: false,
    deleted: false,
    is_public: true,
    created_at: CREATED,
    updated_at: CREATED,
    ...input,
  };
}

export function zendeskCustomRole(input: Partial<ZendeskCustomRole> & { id: number; name: string }): ZendeskCustomRole {
  return {
    description: '',
    role_type: 0,
    team_member_count: 0,
    configuration: {},
    created_at: CREATED,
    updated_at: CREATED,
    ...input,
  };
}

export function zendeskTicketField(input: Partial<ZendeskTicketField> & { id: number; type: string; title: string }): ZendeskTicketField {
  return {
    raw_title: input.title,
    description: '',
    position: 0,
    active: true,
    required: false,
    removable: !['subject', 'description', 'status', 'tickettype', 'priority', 'group', 'assignee'].includes(input.type),
    key: null,
    tag: null,
    created_at: CREATED,
    updated_at: CREATED,
    ...input,
  };
}

export function fieldOption(id: number, name: string, value: string): ZendeskFieldOption {
  return { id, name, raw_name: name, value, default: false };
}

export function zendeskTicket(input: Partial<ZendeskTicket> & { id: number; subject: string; requester_id: number }): ZendeskTicket {
  return {
    raw_subject: input.subject,
    description: '',
    status: 'open',
    type: null,
    priority: null,
    submitter_id: input.requester_id,
    assignee_id: null,
    group_id: null,
    organization_id: null,
    collaborator_ids: [],
    follower_ids: [],
    tags: [],
    custom_fields: [],
    via: via('web'),
    brand_id: 1,
    is_public: true,
    created_at: CREATED,
    updated_at: CREATED,
    ...input,
  };
}

export function zendeskComment(
  input: Partial<ZendeskComment> & { id: number; author_id: number; html_body: string; created_at: string },
): ZendeskComment {
  const plain = input.plain_body ?? htmlToText(input.html_body);
  return {
    type: 'Comment',
    body: input.body ?? plain,
    plain_body: plain,
    public: true,
    attachments: [],
    audit_id: input.id + 100_000,
    via: via('web'),
    metadata: { system: {}, custom: {} },
    ...input,
  };
}

/** Rough HTML to text for seeds and API-added comments (Zendesk's own is richer). */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|blockquote)>/gi, '\n\n')
    .replace(/<\/li>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Text to the HTML Zendesk stores for a plain-text comment. */
export function textToHtml(text: string): string {
  return `<div class="zd-comment" dir="auto">${text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('')}</div>`;
}

/** Ids, credentials and phones of `demoAccount()`; the same for every subdomain it is seeded under. */
export const ZENDESK_DEMO = {
  accessToken: 'zd-demo-access-token',
  refreshToken: 'zd-demo-refresh-token',
  clientId: 'post_interaction_sms_demo',
  clientSecret: 'zd-demo-client-secret',
  users: {
    admin: 1001,
    supervisor: 1002,
    agent: 1003,
    agentNoPhone: 1004,
    customer: 3001,
    customerNoPhone: 3002,
    customerIntl: 3003,
  },
  customRoles: { supervisor: 2001, staff: 2002, lightAgent: 2003 },
  groups: { support: 4001, billing: 4002, vip: 4003 },
  fields: {
    subject: 10001,
    description: 10002,
    status: 10003,
    type: 10004,
    priority: 10005,
    group: 10006,
    assignee: 10007,
    phoneNumber: 360001001,
    orderType: 360001002,
    callbackRequested: 360001003,
    products: 360001004,
    legacyPhone: 360001005,
  },
  tickets: { damagedOrder: 5001, doubleCharge: 5002, vipChat: 5003, noPhone: 5004, closed: 5005 },
  phones: {
    admin: '+14155550101',
    supervisor: '+14155550102',
    agent: '+14155550103',
    customer: '+14155550201',
    /** On ticket 5002's phoneNumber field only (the requester has no phone). */
    doubleChargeField: '+14155550202',
    customerIntl: '+4915112345678',
  },
} as const;

/**
 * A small but realistic account: groups Support/Billing/VIP, system and custom ticket fields (a
 * text field titled "phoneNumber", a dropdown "Order type", a checkbox, a multiselect and an
 * inactive look-alike), agents with and without phones and custom roles (Nora's ticket_restriction is
 * "groups"), group memberships, end users with and without phones, and tickets with multi-comment conversations (HTML, quoted replies, notes).
 */
export function demoAccount(): Required<ZendeskAccountSeed> {
  const D = ZENDESK_DEMO;
  const u = D.users;
  const f = D.fields;
  const t = D.tickets;

  const customRoles = [
    zendeskCustomRole({
      id: D.customRoles.supervisor,
      name: 'Supervisor',
      description: 'Leads a team; may manage business rules',
      team_member_count: 1,
      configuration: {
        ticket_access: 'all',
        ticket_editing: true,
        ticket_comment_access: 'public',
        manage_business_rules: true,
        end_user_profile_access: 'full',
        view_access: 'full',
      },
    }),
    zendeskCustomRole({
      id: D.customRoles.staff,
      name: 'Staff',
      description: 'Works tickets in own groups',
      team_member_count: 1,
      configuration: {
        ticket_access: 'within-groups',
        ticket_editing: true,
        ticket_comment_access: 'public',
        manage_business_rules: false,
        end_user_profile_access: 'readonly',
        view_access: 'playonly',
      },
    }),
    zendeskCustomRole({
      id: D.customRoles.lightAgent,
      name: 'Light agent',
      description: 'Can view and add private comments',
      role_type: 1,
      configuration: { ticket_access: 'all', ticket_editing: false, ticket_comment_access: 'private' },
    }),
  ];

  const users = [
    zendeskUser({ id: u.admin, name: 'Ada Admin', role: 'admin', phone: D.phones.admin, default_group_id: D.groups.support }),
    zendeskUser({
      id: u.supervisor,
      name: 'Sam Supervisor',
      role: 'agent',
      role_type: 0,
      custom_role_id: D.customRoles.supervisor,
      phone: D.phones.supervisor,
      default_group_id: D.groups.billing,
    }),
    zendeskUser({ id: u.agent, name: 'Alex Agent', role: 'agent', phone: D.phones.agent, default_group_id: D.groups.support }),
    zendeskUser({
      id: u.agentNoPhone,
      name: 'Nora Nophone',
      role: 'agent',
      role_type: 0,
      custom_role_id: D.customRoles.staff,
      default_group_id: D.groups.support,
      // The Staff role's ticket_access is "within-groups"; Zendesk reports that as "groups".
      ticket_restriction: 'groups',
    }),
    zendeskUser({
      id: u.customer,
      name: 'Carla Customer',
      phone: D.phones.customer,
      user_fields: { phoneNumber: D.phones.customer },
    }),
    zendeskUser({ id: u.customerNoPhone, name: 'Pat Nophone' }),
    zendeskUser({
      id: u.customerIntl,
      name: 'Mia Müller',
      email: 'mia.mueller@example.de',
      phone: D.phones.customerIntl,
      locale: 'de',
      time_zone: 'Berlin',
      iana_time_zone: 'Europe/Berlin',
    }),
  ];

  const groups = [
    zendeskGroup({ id: D.groups.support, name: 'Support', description: 'First line', default: true }),
    zendeskGroup({ id: D.groups.billing, name: 'Billing', description: 'Invoices and refunds' }),
    zendeskGroup({ id: D.groups.vip, name: 'VIP', description: 'Key accounts', is_public: false }),
  ];

  // Default groups first (default: true), then extra memberships: Ada also works VIP, Sam also Support.
  const groupMemberships: ZendeskGroupMembershipSeed[] = [
    { id: 4101, user_id: u.admin, group_id: D.groups.support, default: true },
    { id: 4102, user_id: u.admin, group_id: D.groups.vip, default: false },
    { id: 4103, user_id: u.supervisor, group_id: D.groups.billing, default: true },
    { id: 4104, user_id: u.supervisor, group_id: D.groups.support, default: false },
    { id: 4105, user_id: u.agent, group_id: D.groups.support, default: true },
    { id: 4106, user_id: u.agentNoPhone, group_id: D.groups.support, default: true },
  ];

  const statusOptions = ['new', 'open', 'pending', 'hold', 'solved'].map((value) => ({
    name: value[0]!.toUpperCase() + value.slice(1),
    value,
  }));
  const ticketFields = [
    zendeskTicketField({ id: f.subject, type: 'subject', title: 'Subject', position: 1, required: true }),
    zendeskTicketField({ id: f.description, type: 'description', title: 'Description', position: 2, required: true }),
    zendeskTicketField({ id: f.status, type: 'status', title: 'Status', position: 3, system_field_options: statusOptions }),
    zendeskTicketField({
      id: f.type,
      type: 'tickettype',
      title: 'Type',
      position: 4,
      system_field_options: ['question', 'incident', 'problem', 'task'].map((value) => ({ name: value, value })),
    }),
    zendeskTicketField({
      id: f.priority,
      type: 'priority',
      title: 'Priority',
      position: 5,
      system_field_options: ['low', 'normal', 'high', 'urgent'].map((value) => ({ name: value, value })),
    }),
    zendeskTicketField({ id: f.group, type: 'group', title: 'Group', position: 6 }),
    zendeskTicketField({ id: f.assignee, type: 'assignee', title: 'Assignee', position: 7 }),
    zendeskTicketField({
      id: f.phoneNumber,
      type: 'text',
      title: 'phoneNumber',
      description: "Customer's mobile number for the follow-up text",
      position: 10,
    }),
    zendeskTicketField({
      id: f.orderType,
      type: 'tagger',
      title: 'Order type',
      position: 11,
      custom_field_options: [
        fieldOption(360002001, 'Online', 'order_online'),
        fieldOption(360002002, 'In store', 'order_in_store'),
        fieldOption(360002003, 'Phone order', 'order_phone'),
      ],
    }),
    zendeskTicketField({
      id: f.callbackRequested,
      type: 'checkbox',
      title: 'Callback requested',
      position: 12,
      tag: 'callback_requested',
    }),
    zendeskTicketField({
      id: f.products,
      type: 'multiselect',
      title: 'Products',
      position: 13,
      custom_field_options: [
        fieldOption(360003001, 'Lamp', 'product_lamp'),
        fieldOption(360003002, 'Shade', 'product_shade'),
        fieldOption(360003003, 'Bulb', 'product_bulb'),
      ],
    }),
    zendeskTicketField({
      id: f.legacyPhone,
      type: 'text',
      title: 'Phone number (legacy)',
      position: 99,
      active: false,
    }),
  ];

  const fields = (phone: string | null, order: string | null, callback: boolean, products: string[]) => [
    { id: f.phoneNumber, value: phone },
    { id: f.orderType, value: order },
    { id: f.callbackRequested, value: callback },
    { id: f.products, value: products },
    { id: f.legacyPhone, value: null },
  ];

  const tickets = [
    zendeskTicket({
      id: t.damagedOrder,
      subject: 'Order #A-1042 arrived damaged',
      description: 'Hi, my order #A-1042 arrived today and the lamp shade is cracked.',
      requester_id: u.customer,
      assignee_id: u.agent,
      group_id: D.groups.support,
      type: 'problem',
      priority: 'normal',
      tags: ['damaged', 'order_online', 'callback_requested', 'product_shade'],
      custom_fields: fields(D.phones.customer, 'order_online', true, ['product_shade']),
      via: via('web'),
      created_at: '2026-11-20T09:15:00Z',
      updated_at: '2026-11-20T15:40:00Z',
    }),
    zendeskTicket({
      id: t.doubleCharge,
      subject: 'Charged twice for invoice INV-2211',
      description: 'Hello, I was charged twice for invoice INV-2211.',
      requester_id: u.customerNoPhone,
      assignee_id: u.supervisor,
      group_id: D.groups.billing,
      type: 'question',
      priority: 'high',
      tags: ['billing', 'order_phone'],
      custom_fields: fields(D.phones.doubleChargeField, 'order_phone', false, []),
      via: via('email', { address: 'pat.nophone@example.com', name: 'Pat Nophone' }),
      created_at: '2026-11-21T13:02:00Z',
      updated_at: '2026-11-22T08:30:00Z',
    }),
    zendeskTicket({
      id: t.vipChat,
      subject: 'Conversation with Mia Müller',
      description: 'Hallo! Meine Bestellung ist noch nicht da 😕',
      requester_id: u.customerIntl,
      assignee_id: u.admin,
      group_id: D.groups.vip,
      priority: 'urgent',
      tags: ['vip', 'product_lamp', 'product_bulb'],
      custom_fields: fields(null, null, false, ['product_lamp', 'product_bulb']),
      via: via('native_messaging'),
      created_at: '2026-11-23T17:45:00Z',
      updated_at: '2026-11-23T18:01:00Z',
    }),
    zendeskTicket({
      id: t.noPhone,
      subject: 'Question about opening hours',
      description: 'Are you open on Sunday?',
      requester_id: u.customerNoPhone,
      assignee_id: u.agentNoPhone,
      group_id: D.groups.support,
      status: 'new',
      type: 'question',
      custom_fields: fields(null, 'order_in_store', false, []),
      via: via('web'),
      created_at: '2026-11-24T10:00:00Z',
      updated_at: '2026-11-24T10:00:00Z',
    }),
    zendeskTicket({
      id: t.closed,
      subject: 'Old question (closed)',
      description: 'Thanks, all sorted.',
      requester_id: u.customer,
      assignee_id: u.agent,
      group_id: D.groups.support,
      status: 'closed',
      custom_fields: fields(D.phones.customer, null, false, []),
      created_at: '2026-06-01T10:00:00Z',
      updated_at: '2026-06-05T10:00:00Z',
    }),
  ];

  const comments: Record<string, ZendeskComment[]> = {
    [t.damagedOrder]: [
      zendeskComment({
        id: 7001,
        author_id: u.customer,
        created_at: '2026-11-20T09:15:00Z',
        html_body:
          '<div class="zd-comment" dir="auto"><p>Hi, my order <strong>#A-1042</strong> arrived today and the lamp shade is cracked.</p><p>Can you send a replacement?</p></div>',
        body: 'Hi, my order **#A-1042** arrived today and the lamp shade is cracked.\n\nCan you send a replacement?',
      }),
      zendeskComment({
        id: 7002,
        author_id: u.agent,
        created_at: '2026-11-20T10:02:00Z',
        html_body:
          '<div class="zd-comment" dir="auto"><p>Hi Carla,</p><p>Sorry about that! I&#39;ve arranged a replacement shade; it ships tomorrow. Track it <a href="https://track.example/1Z999" rel="noreferrer">here</a>.</p><p>Best,<br>Alex</p></div>',
      }),
      zendeskComment({
        id: 7003,
        author_id: u.agent,
        public: false,
        created_at: '2026-11-20T10:04:00Z',
        html_body: '<div class="zd-comment" dir="auto"><p>Approved replacement under warranty, cost €18.</p></div>',
      }),
      zendeskComment({
        id: 7004,
        author_id: u.customer,
        created_at: '2026-11-20T15:40:00Z',
        via: via('email', { address: 'carla.customer@example.com', name: 'Carla Customer' }),
        html_body:
          '<div class="zd-comment" dir="auto"><p>Thank you, that&#39;s great!</p><div class="gmail_quote">On Thu, Nov 20, 2026 at 10:02 AM Acme Support &lt;support@acme.example&gt; wrote:<blockquote class="gmail_quote"><p>Hi Carla,</p><p>Sorry about that! I&#39;ve arranged a replacement shade; it ships tomorrow.</p></blockquote></div></div>',
        body: "Thank you, that's great!\n\nOn Thu, Nov 20, 2026 at 10:02 AM Acme Support <support@acme.example> wrote:\n> Hi Carla,\n>\n> Sorry about that! I've arranged a replacement shade; it ships tomorrow.",
      }),
    ],
    [t.doubleCharge]: [
      zendeskComment({
        id: 7101,
        author_id: u.customerNoPhone,
        created_at: '2026-11-21T13:02:00Z',
        via: via('email', { address: 'pat.nophone@example.com', name: 'Pat Nophone' }),
        html_body:
          '<div class="zd-comment" dir="auto"><p>Hello,</p><p>I was charged twice for invoice INV-2211:</p><ul><li>2026-11-19: $49.00</li><li>2026-11-19: $49.00</li></ul><p>Please refund one of them.</p></div>',
      }),
      zendeskComment({
        id: 7102,
        author_id: u.supervisor,
        created_at: '2026-11-21T16:20:00Z',
        html_body:
          '<div class="zd-comment" dir="auto"><p>Hi Pat,</p><p>I&#39;ve refunded the duplicate charge of $49.00. You&#39;ll see it in 3–5 business days.</p></div>',
      }),
      zendeskComment({
        id: 7103,
        author_id: u.customerNoPhone,
        created_at: '2026-11-22T08:25:00Z',
        via: via('email', { address: 'pat.nophone@example.com', name: 'Pat Nophone' }),
        html_body:
          '<div class="zd-comment" dir="auto"><p>Got it, thanks.</p><p>-----Original Message-----<br>From: Acme Billing &lt;billing@acme.example&gt;<br>Sent: Friday, November 21, 2026 4:20 PM<br>Subject: Charged twice for invoice INV-2211</p><p>Hi Pat, I&#39;ve refunded the duplicate charge of $49.00.</p></div>',
      }),
      zendeskComment({
        id: 7104,
        author_id: u.supervisor,
        public: false,
        created_at: '2026-11-22T08:30:00Z',
        html_body: '<div class="zd-comment" dir="auto"><p>Refund ref RF-88121. Customer confirmed.</p></div>',
      }),
    ],
    [t.vipChat]: [
      zendeskComment({
        id: 7201,
        author_id: u.customerIntl,
        created_at: '2026-11-23T17:45:00Z',
        via: via('native_messaging'),
        html_body: '<p>Hallo! Meine Bestellung ist noch nicht da 😕</p>',
      }),
      zendeskComment({
        id: 7202,
        author_id: u.admin,
        created_at: '2026-11-23T17:47:00Z',
        via: via('native_messaging'),
        html_body: '<p>Hi Mia, let me check that for you.</p>',
      }),
      zendeskComment({
        id: 7203,
        author_id: u.admin,
        created_at: '2026-11-23T17:52:00Z',
        via: via('native_messaging'),
        html_body: '<p>Your parcel is out for delivery today and should arrive before 6 pm.</p>',
      }),
      zendeskComment({
        id: 7204,
        author_id: u.customerIntl,
        created_at: '2026-11-23T18:01:00Z',
        via: via('native_messaging'),
        html_body: '<p>Super, danke! 🙏</p>',
      }),
    ],
    [t.noPhone]: [
      zendeskComment({
        id: 7301,
        author_id: u.customerNoPhone,
        created_at: '2026-11-24T10:00:00Z',
        html_body: '<div class="zd-comment" dir="auto"><p>Are you open on Sunday?</p></div>',
      }),
    ],
    [t.closed]: [
      zendeskComment({
        id: 7401,
        author_id: u.customer,
        created_at: '2026-06-01T10:00:00Z',
        html_body: '<div class="zd-comment" dir="auto"><p>Thanks, all sorted.</p></div>',
      }),
    ],
  };

  return {
    tokens: [
      {
        accessToken: D.accessToken,
        refreshToken: D.refreshToken,
        expiresAt: '2099-01-01T00:00:00Z',
        userId: u.admin,
        clientId: D.clientId,
      },
    ],
    oauthClients: [{ clientId: D.clientId, clientSecret: D.clientSecret }],
    users,
    groups,
    groupMemberships,
    customRoles,
    ticketFields,
    tickets,
    comments,
    messaging: true,
  };
}
