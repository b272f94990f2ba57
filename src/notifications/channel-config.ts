/**
 * What a notification channel is configured with, as stored (sealed, src/store/repositories/
 * notifications.ts) and as the API shows it: everything a person needs to recognise the channel,
 * never the SMTP password or the webhook URL (an incoming-webhook URL is itself the key that lets
 * anyone post to the chat), only whether they are set and, for the webhook, its host.
 */
export const CHANNEL_KINDS = ['email', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export interface EmailConfig {
  host: string;
  port: number;
  /** TLS from the first byte (usually port 465); false: plain, upgraded with STARTTLS when the server offers it. */
  secure: boolean;
  user: string | null;
  password: string | null;
  from: string;
  to: string[];
}

export interface WebhookConfig {
  /** An incoming webhook that takes POST {"text": "..."} (Slack, Microsoft Teams). */
  url: string;
}

export type ChannelConfig = { kind: 'email'; email: EmailConfig } | { kind: 'webhook'; webhook: WebhookConfig };

export interface ShownEmailConfig {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: { set: boolean };
  from: string;
  to: string[];
}

export interface ShownWebhookConfig {
  url: { set: true; host: string };
}

export type ShownChannelConfig = { kind: 'email'; email: ShownEmailConfig } | { kind: 'webhook'; webhook: ShownWebhookConfig };

/** The configuration without its secrets. */
export function showChannelConfig(config: ChannelConfig): ShownChannelConfig {
  if (config.kind === 'email') {
    const { password, ...rest } = config.email;
    return { kind: 'email', email: { ...rest, password: { set: password !== null && password !== '' } } };
  }
  return { kind: 'webhook', webhook: { url: { set: true, host: new URL(config.webhook.url).host } } };
}
