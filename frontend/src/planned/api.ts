/**
 * Operations for the planned API in planned.graphql (not in the contract yet), typed by hand.
 * Until the server has them, they fail with a schema validation error, which the screens show
 * as "not available yet".
 */
import { TypedDocumentString } from '../gql/graphql';

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  createdAt: string;
}
export interface WebhookDelivery {
  id: string;
  webhookId: string;
  event: string;
  status: 'DELIVERED' | 'FAILED' | 'PENDING' | string;
  attempts: number;
  responseStatus: number | null;
  createdAt: string;
  deliveredAt: string | null;
}
export interface NotificationPreference {
  event: string;
  enabled: boolean;
}

export const WEBHOOK_EVENTS = [
  'grant.created',
  'topup.succeeded',
  'topup.failed',
  'recycle.settled',
  'purchase.approved',
  'cashout.created',
  'dispute.resolved',
  'balance.low',
];

export const NOTIFICATION_EVENTS = ['credit_received', 'expiring_soon', 'topup_result', 'dispute_update', 'cashout_paid'] as const;

export const WebhooksQuery = new TypedDocumentString<{ webhooks: Webhook[] }, Record<string, never>>(
  `query Webhooks { webhooks { id url events enabled createdAt } }`,
);
export const WebhookDeliveriesQuery = new TypedDocumentString<{ webhookDeliveries: WebhookDelivery[] }, { webhookId?: string | null; first?: number }>(
  `query WebhookDeliveries($webhookId: ID, $first: Int) { webhookDeliveries(webhookId: $webhookId, first: $first) { id webhookId event status attempts responseStatus createdAt deliveredAt } }`,
);
export const CreateWebhookMutation = new TypedDocumentString<{ createWebhook: { webhook: Webhook; secret: string } }, { url: string; events: string[] }>(
  `mutation CreateWebhook($url: String!, $events: [String!]!) { createWebhook(url: $url, events: $events) { secret webhook { id url events enabled createdAt } } }`,
);
export const SetWebhookEnabledMutation = new TypedDocumentString<{ setWebhookEnabled: Webhook }, { id: string; enabled: boolean }>(
  `mutation SetWebhookEnabled($id: ID!, $enabled: Boolean!) { setWebhookEnabled(id: $id, enabled: $enabled) { id enabled } }`,
);
export const DeleteWebhookMutation = new TypedDocumentString<{ deleteWebhook: boolean }, { id: string }>(
  `mutation DeleteWebhook($id: ID!) { deleteWebhook(id: $id) }`,
);
export const NotificationPreferencesQuery = new TypedDocumentString<{ notificationPreferences: NotificationPreference[] }, Record<string, never>>(
  `query NotificationPreferences { notificationPreferences { event enabled } }`,
);
export const SetNotificationPreferenceMutation = new TypedDocumentString<{ setNotificationPreference: NotificationPreference }, { event: string; enabled: boolean }>(
  `mutation SetNotificationPreference($event: String!, $enabled: Boolean!) { setNotificationPreference(event: $event, enabled: $enabled) { event enabled } }`,
);
