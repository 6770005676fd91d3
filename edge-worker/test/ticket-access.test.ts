// The sidebar shows a ticket's SMS only to users Zendesk lets view the ticket
// (edge-worker/src/auth/user-access.ts): by the user's ticket_restriction, fail closed.
import { beforeAll, describe, expect, it } from 'vitest';
import { type ZendeskTicket, zendeskTicket } from '../../test/fakes/zendesk-data.ts';
import { as, createTenant, GROUPS, type Tenant, USERS } from './helpers.ts';

const GROUP_AGENT = { id: 110, name: 'Grace Groups', role: 'agent', ticket_restriction: 'groups', default_group_id: GROUPS.support, phone: null };
const ASSIGNED_AGENT = { id: 111, name: 'Asa Assigned', role: 'agent', ticket_restriction: 'assigned', phone: null };
const ORG_AGENT = { id: 112, name: 'Oz Org', role: 'agent', ticket_restriction: 'organization', organization_id: 9100, phone: null };
const ODD_AGENT = { id: 113, name: 'Una Unknown', role: 'agent', ticket_restriction: 'requested', phone: null };

const ticket = (id: number, extra: Partial<ZendeskTicket>) =>
  zendeskTicket({ id, subject: `Ticket ${id}`, status: 'open', requester_id: USERS.customer.id, ...extra });

let t: Tenant;
beforeAll(async () => {
  t = await createTenant({
    zendesk: {
      users: [...Object.values(USERS), GROUP_AGENT, ASSIGNED_AGENT, ORG_AGENT, ODD_AGENT],
      tickets: [
        ticket(7001, { group_id: GROUPS.support }),
        ticket(7002, { group_id: GROUPS.billing, assignee_id: ASSIGNED_AGENT.id }),
        ticket(7003, { group_id: GROUPS.billing, organization_id: 9100 }),
      ],
    },
  });
});

async function status(user: number | keyof typeof USERS, ticketId: number): Promise<number> {
  return (await (await as(t, user))('GET', `/v1/tickets/${ticketId}/sends`)).status;
}

describe('who sees a ticket\'s SMS in the sidebar', () => {
  it('admins and unrestricted agents see every ticket', async () => {
    for (const id of [7001, 7002, 7003]) {
      expect(await status('admin', id)).toBe(200);
      expect(await status('agent', id)).toBe(200);
    }
  });

  it('an agent restricted to groups sees tickets of their groups only', async () => {
    expect(await status(GROUP_AGENT.id, 7001)).toBe(200);
    expect(await status(GROUP_AGENT.id, 7002)).toBe(404);
    expect(await status(GROUP_AGENT.id, 7003)).toBe(404);
  });

  it('an agent restricted to assigned tickets sees only those', async () => {
    expect(await status(ASSIGNED_AGENT.id, 7002)).toBe(200);
    expect(await status(ASSIGNED_AGENT.id, 7001)).toBe(404);
  });

  it("an agent restricted to the organization sees that organization's tickets", async () => {
    expect(await status(ORG_AGENT.id, 7003)).toBe(200);
    expect(await status(ORG_AGENT.id, 7001)).toBe(404);
  });

  it('an unknown restriction and a missing ticket are refused like a foreign one', async () => {
    expect(await status(ODD_AGENT.id, 7001)).toBe(404);
    expect(await status(GROUP_AGENT.id, 99999)).toBe(404);
  });
});
