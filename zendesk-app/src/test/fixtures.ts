// Plain fixtures for the app's tests, valid against the shared schemas.
import type { Me, Requirements } from '../../../shared/schemas/api.ts';
import type { Rule } from '../../../shared/schemas/rule.ts';
import type { Send } from '../../../shared/schemas/send.ts';
import { DEFAULT_SETTINGS } from '../../../shared/schemas/settings.ts';
import type { SettingsResponse } from '../api/admin-api.ts';
import type { TicketSendsResponse } from '../api/sidebar-api.ts';

export const NOW = '2026-11-29T18:00:00.000Z';

export function me(overrides: Partial<Me> = {}): Me {
  return {
    installationId: 'inst_1',
    subdomain: 'acme',
    userId: '1001',
    role: 'admin',
    canManageRules: true,
    connection: 'connected',
    ...overrides,
  };
}

export const READY: Requirements = {
  smsConnected: true,
  hasSenderNumber: true,
  hasGroup: true,
  ready: true,
  missing: [],
};

export function settingsResponse(overrides: Partial<SettingsResponse> = {}): SettingsResponse {
  return {
    settings: { ...DEFAULT_SETTINGS, summariesEnabled: true },
    connection: {
      telnyx: { apiKeySet: true, apiKeyHint: '…abcd', messagingProfileId: 'mp_123', publicKeySet: true, sandboxAvailable: false },
      zendesk: { oauthConnected: true, state: 'connected', tokenExpiresAt: null },
      webhookSigningSecretSet: true,
    },
    requirements: READY,
    webhookUrls: {
      zendesk: 'https://worker.test/webhooks/zendesk/inst_1',
      telnyx: 'https://worker.test/webhooks/telnyx/inst_1',
    },
    ...overrides,
  };
}

export function rule(overrides: Partial<Rule> = {}): Rule {
  return {
    id: 'r1',
    position: 0,
    label: 'Thank the customer',
    enabled: true,
    senderNumber: '+14155550100',
    recipients: { assignedAgent: false, customer: true, otherNumbers: [] },
    content: { customText: 'Thanks for contacting us!', includeSummary: false, skipIfNoSummary: false, dataFields: [], translations: [] },
    conditions: { groupIds: [], fieldConditions: [], events: ['ticket_solved'] },
    stopProcessing: false,
    sendDelayMinutes: 0,
    version: 1,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

export function send(overrides: Partial<Send> = {}): Send {
  return {
    id: 's1',
    interactionId: 'i1',
    ruleId: 'r1',
    ruleLabel: 'Thank the customer',
    recipientKind: 'customer',
    recipientMasked: '+1 *** *** 0123',
    fromNumber: '+14155550100',
    body: 'Thanks for contacting us!',
    segments: 1,
    encoding: 'GSM-7',
    status: 'delivered',
    reason: null,
    detail: null,
    carrierErrorCode: null,
    telnyxMessageId: 'msg_1',
    scheduledFor: null,
    attempts: 1,
    canRetry: false,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

export function ticketSends(sends: Send[], wouldFire: TicketSendsResponse['wouldFire'] = []): TicketSendsResponse {
  return {
    ticketId: '42',
    interactions:
      sends.length === 0
        ? []
        : [
            {
              id: 'i1',
              ticketId: '42',
              event: 'ticket_solved',
              receivedAt: NOW,
              status: 'done',
              detail: null,
              sends,
            },
          ],
    wouldFire,
  };
}
