// Notification channels: where the hub says that an integration turned failed or degraded, and
// that it recovered — by email (SMTP) or a chat incoming webhook (Slack, Microsoft Teams). An
// administrator adds, changes, tests and removes them; anyone signed in reads them, never the SMTP
// password nor the webhook URL (its key): only that they are set. Deliveries, failed ones with their
// error, are listed newest first.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkVendorUrl, targetHostPolicy } from '../../../config/vendor-hosts.ts';
import { parseHttpUrl } from '../../../domain/http-url.ts';
import { CHANNEL_KINDS, showChannelConfig, type ChannelConfig, type EmailConfig } from '../../../notifications/channel-config.ts';
import type { NotificationChannel, NotificationDelivery } from '../../../store/repositories/notifications.ts';
import { deliverPending } from '../../../sync/notification-delivery.ts';
import { ApiError, errorResponses, notFound } from '../../api-error.ts';
import { principalOf } from '../../auth/authenticate.ts';
import { actorOf } from '../../auth/principal.ts';
import type { RouteDeps } from '../../route-deps.ts';

const nameSchema = z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters');
const addressSchema = z.string().trim().email('must be an email address such as ops@example.com');
const hostSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(253, 'must be at most 253 characters')
  .regex(/^[^\s/:]+$|^\[[0-9a-f:.]+\]$/i, 'must be a host name or address, without a scheme or port (e.g. smtp.example.com)');
const portSchema = z.number({ message: 'must be a port number' }).int('must be a whole number').min(1, 'must be from 1 to 65535').max(65535, 'must be from 1 to 65535');
const recipientsSchema = z.array(addressSchema).min(1, 'needs at least one address').max(50, 'must have at most 50 addresses');
const secretText = z.string().max(1000, 'must be at most 1000 characters');
const webhookUrlSchema = z
  .string()
  .trim()
  .max(2000, 'must be at most 2000 characters')
  .refine((text) => parseHttpUrl(text) !== null, 'must be an http:// or https:// URL, as the chat tool shows it for an incoming webhook');

const emailInput = z.strictObject({
  host: hostSchema,
  port: portSchema.default(587),
  secure: z.boolean().default(false).describe('TLS from the first byte (port 465); false: STARTTLS when the server offers it'),
  user: z.string().trim().max(200).nullable().default(null),
  password: secretText.nullable().default(null).describe('Write-only'),
  from: addressSchema,
  to: recipientsSchema,
});
const emailPatch = z.strictObject({
  host: hostSchema.optional(),
  port: portSchema.optional(),
  secure: z.boolean().optional(),
  user: z.string().trim().max(200).nullable().optional(),
  password: secretText.nullable().optional().describe('Write-only; omit to keep, null to remove'),
  from: addressSchema.optional(),
  to: recipientsSchema.optional(),
});
const webhookInput = z.strictObject({ url: webhookUrlSchema.describe('Write-only: the URL is the key to post to the chat') });

const createBody = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('email'), name: nameSchema, enabled: z.boolean().default(true), email: emailInput }),
    z.strictObject({ kind: z.literal('webhook'), name: nameSchema, enabled: z.boolean().default(true), webhook: webhookInput }),
  ],
  { message: `kind must be one of ${CHANNEL_KINDS.join(', ')}` },
);
const patchBody = z
  .strictObject({ name: nameSchema.optional(), enabled: z.boolean().optional(), email: emailPatch.optional(), webhook: webhookInput.optional() })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: 'send name, enabled, email or webhook' });

const channelSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  enabled: z.boolean(),
  email: z
    .object({ host: z.string(), port: z.number(), secure: z.boolean(), user: z.string().nullable(), password: z.object({ set: z.boolean() }), from: z.string(), to: z.array(z.string()) })
    .optional(),
  webhook: z.object({ url: z.object({ set: z.literal(true), host: z.string() }) }).optional(),
  lastSentAt: z.string().nullable(),
  lastError: z.string().nullable().describe('Why the last delivery failed; cleared by the next that succeeds'),
  createdAt: z.string(),
});
const deliverySchema = z.object({
  id: z.string(),
  channelId: z.string(),
  integrationId: z.string().nullable(),
  kind: z.enum(['transition', 'test']),
  fromStatus: z.string().nullable(),
  toStatus: z.string(),
  subject: z.string(),
  body: z.string(),
  state: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

const present = (channel: NotificationChannel): z.infer<typeof channelSchema> => {
  const shown = showChannelConfig(channel.config);
  return {
    id: channel.id,
    name: channel.name,
    kind: shown.kind,
    enabled: channel.enabled,
    ...(shown.kind === 'email' ? { email: shown.email } : { webhook: shown.webhook }),
    lastSentAt: channel.lastSentAt,
    lastError: channel.lastError,
    createdAt: channel.createdAt,
  };
};
const presentDelivery = (d: NotificationDelivery): z.infer<typeof deliverySchema> => d;
const idParams = z.object({ id: z.string().min(1) });

export const notificationRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const repo = deps.store.repos.notifications;
  const auditLog = deps.store.repos.auditLog;
  const webhookHosts = targetHostPolicy(deps.vendorHosts);

  /** A webhook URL is called by the hub: like a target's URL, it may not point inside the network unless listed. */
  async function requireAllowedWebhook(url: string): Promise<void> {
    const checked = await checkVendorUrl(url, webhookHosts);
    if (!checked.ok) {
      const field = 'webhook.url';
      throw new ApiError(400, 'webhook_host_not_allowed', `${field}: ${checked.message}`, { details: [{ field, message: checked.message }] });
    }
  }

  async function requireChannel(id: string): Promise<NotificationChannel> {
    const channel = await repo.getChannel(id);
    if (channel === undefined) throw notFound('notification channel', id);
    return channel;
  }

  async function requireFreeName(name: string, except?: string): Promise<void> {
    const other = await repo.getChannelByName(name);
    if (other !== undefined && other.id !== except) throw new ApiError(409, 'name_taken', `A notification channel named "${name}" exists already; choose another name`);
  }

  app.get(
    '/notification-channels',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Where health changes are announced (email, chat webhook); secrets only as set: true',
        response: { 200: z.object({ items: z.array(channelSchema) }), ...errorResponses(401) },
      },
    },
    async () => ({ items: (await repo.listChannels()).map(present) }),
  );

  app.post(
    '/notification-channels',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Add an email (SMTP) or chat webhook channel',
        body: createBody,
        response: { 201: channelSchema, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      await requireFreeName(body.name);
      const config: ChannelConfig = body.kind === 'email' ? { kind: 'email', email: body.email } : { kind: 'webhook', webhook: { url: body.webhook.url } };
      if (config.kind === 'webhook') await requireAllowedWebhook(config.webhook.url);
      const channel = await repo.createChannel({ name: body.name, enabled: body.enabled, config });
      await auditLog.record({ actor: actorOf(principalOf(request)), action: 'notification.channel.create', subjectType: 'notification_channel', subjectId: channel.id, details: { name: channel.name, kind: config.kind } });
      return reply.code(201).send(present(channel));
    },
  );

  app.patch(
    '/notification-channels/:id',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Change a channel: its name, on/off, or its settings (an omitted password or URL is kept)',
        params: idParams,
        body: patchBody,
        response: { 200: channelSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const channel = await requireChannel(request.params.id);
      const body = request.body;
      if (body.name !== undefined) await requireFreeName(body.name, channel.id);
      let config: ChannelConfig | undefined;
      if (body.email !== undefined) {
        if (channel.config.kind !== 'email') throw new ApiError(400, 'invalid_request', 'email: this channel is a webhook; send webhook instead');
        const patch = Object.fromEntries(Object.entries(body.email).filter(([, v]) => v !== undefined)) as Partial<EmailConfig>;
        const before = channel.config.email;
        const next = { ...before, ...patch };
        // The stored password goes only to the server it was entered for: pointing the channel at
        // another server (or dropping TLS) needs the password again, or whoever may change the
        // settings could collect it with a server of their own.
        const moved = next.host.toLowerCase() !== before.host.toLowerCase() || next.port !== before.port || (before.secure && !next.secure);
        if (moved && before.password !== null && before.password !== '' && body.email.password === undefined) {
          const field = 'email.password';
          const message = 'give the password again: the SMTP server or its encryption changed, and the stored password is sent only to the server it was entered for';
          throw new ApiError(400, 'secrets_required', `${field}: ${message}`, { details: [{ field, message }] });
        }
        config = { kind: 'email', email: next };
      }
      if (body.webhook !== undefined) {
        if (channel.config.kind !== 'webhook') throw new ApiError(400, 'invalid_request', 'webhook: this channel is an email channel; send email instead');
        await requireAllowedWebhook(body.webhook.url);
        config = { kind: 'webhook', webhook: { url: body.webhook.url } };
      }
      const updated = await repo.updateChannel(channel.id, {
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
        ...(config === undefined ? {} : { config }),
      });
      if (updated === undefined) throw notFound('notification channel', channel.id);
      await auditLog.record({
        actor: actorOf(principalOf(request)),
        action: 'notification.channel.update',
        subjectType: 'notification_channel',
        subjectId: channel.id,
        // Which fields changed, never their values (a password, a URL with its key).
        details: { name: updated.name, changed: [...Object.keys(body), ...Object.keys(body.email ?? {}).map((k) => `email.${k}`)] },
      });
      return present(updated);
    },
  );

  app.delete(
    '/notification-channels/:id',
    {
      schema: { tags: ['notifications'], summary: 'Remove a channel (with its deliveries)', params: idParams, response: { 204: z.null().describe('Removed'), ...errorResponses(401, 403, 404) } },
    },
    async (request, reply) => {
      const channel = await requireChannel(request.params.id);
      await repo.deleteChannel(channel.id);
      await auditLog.record({ actor: actorOf(principalOf(request)), action: 'notification.channel.delete', subjectType: 'notification_channel', subjectId: channel.id, details: { name: channel.name } });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/notification-channels/:id/test',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Send a test notification now; answers with the delivery (sent, or failed with the error)',
        params: idParams,
        response: { 200: deliverySchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const channel = await requireChannel(request.params.id);
      const who = actorOf(principalOf(request));
      const delivery = await repo.enqueueTest(channel.id, {
        subject: 'psa-bridge: test notification',
        text: `A test notification from psa-bridge, sent by ${who} to the channel "${channel.name}". Health changes of integrations (failed, degraded, recovered) arrive here.`,
      });
      await deliverPending({ store: deps.store, webhookHosts }, delivery.id);
      return presentDelivery((await repo.getDelivery(delivery.id))!);
    },
  );

  app.get(
    '/notification-deliveries',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Notifications sent, waiting or failed (with the error), newest first',
        querystring: z.object({ channelId: z.string().min(1).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ items: z.array(deliverySchema) }), ...errorResponses(400, 401) },
      },
    },
    async (request) => ({
      items: (await repo.listDeliveries({ limit: request.query.limit, ...(request.query.channelId === undefined ? {} : { channelId: request.query.channelId }) })).map(presentDelivery),
    }),
  );
};
