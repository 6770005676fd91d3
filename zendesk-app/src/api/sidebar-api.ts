// The ticket sidebar's worker endpoints. Imports only the send schemas, so the sidebar bundle
// stays free of the settings schema (and the phone metadata it pulls in).
import { z } from 'zod';
import { Send, TicketSends } from '../../../shared/schemas/send.ts';
import type { WorkerApi } from './worker-api.ts';

/**
 * GET /v1/tickets/{id}/sends: the ticket's sends; with `explain`, also the rules that would fire
 * if the ticket were solved now (null otherwise: it costs the worker a Zendesk API call).
 */
export const TicketSendsResponse = TicketSends.extend({
  wouldFire: z.array(z.object({ ruleId: z.string(), label: z.string() })).nullable(),
});
export type TicketSendsResponse = z.infer<typeof TicketSendsResponse>;

export function createSidebarApi(api: WorkerApi) {
  return {
    ticketSends: (ticketId: string, options: { explain?: boolean } = {}) =>
      api.call('GET', `/v1/tickets/${encodeURIComponent(ticketId)}/sends${options.explain ? '?explain=1' : ''}`, TicketSendsResponse),
    retrySend: (sendId: string) => api.call('POST', `/v1/sends/${encodeURIComponent(sendId)}/retry`, Send),
    /** Stops a held send (delayed, or waiting for quiet hours) before it goes. */
    cancelSend: (sendId: string) => api.call('POST', `/v1/sends/${encodeURIComponent(sendId)}/cancel`, Send),
  };
}
export type SidebarApi = ReturnType<typeof createSidebarApi>;
