/**
 * Change notifications pushed by a target (ConnectWise system callbacks, Autotask webhooks) → the
 * loop that applies them, for one integration. Polling stays the fallback: a lost or refused
 * delivery changes nothing a later pass would not find.
 *
 * - Enabling registers one callback per entity (company, contract, ticket) the target can push at
 *   `{publicUrl}/api/v1/callbacks/{target}/{integrationId}`; disabling removes them. The setting is
 *   kept under the integration's `callbacks` settings key. Autotask pushes companies and tickets
 *   only (it has no contract webhooks): its contract changes reach provisioning by the poll.
 * - A delivery is verified by the target's connector (signature over the raw body; the key from the
 *   target's own site, or the secret the hub gave it at registration, derived per integration from
 *   the hub's key); a refusal is audit-logged (rate-bounded) and answered 401. A delivery seen
 *   before, or saying it happened longer ago than the replay window, is refused with 409.
 * - A verified change triggers the loop that applies it through the job runner (`runNow` coalesces:
 *   a burst of deliveries costs one follow-up pass): company → directory, contract → provisioning,
 *   ticket → tickets. A contract change first refreshes that company's contracts in the snapshots,
 *   since an incremental contract listing cannot see a changed line (ConnectWise does not move an
 *   agreement's `lastUpdated` for its additions), and marks the company dirty: the provisioning pass
 *   then plans that company and whatever else changed since its last plan, not every company.
 */
import { z } from 'zod';
import { isHttpUrl } from '../domain/http-url.ts';
import { isConnectorError } from '../connectors/kit/errors.ts';
import type { CallbackDelivery, CallbackEntity, CallbackRegistration, TargetCallbackEvent } from '../connectors/ports.ts';
import { createHash } from 'node:crypto';
import type { Store } from '../store/store.ts';
import type { IntegrationRuntime, RuntimeProvider } from './integration-runtime.ts';
import type { LoopQueue } from './loop-queue.ts';
import { refreshContracts } from './observe.ts';

export const CALLBACK_SETTINGS_KEY = 'callbacks';
export const CALLBACK_ENTITIES: readonly CallbackEntity[] = ['company', 'contract', 'ticket'];
/** Which loop applies a change of each entity. */
export const CALLBACK_LOOPS: Record<CallbackEntity, 'directory' | 'provisioning' | 'tickets'> = { company: 'directory', contract: 'provisioning', ticket: 'tickets' };

const httpUrl = z
  .string()
  .trim()
  .refine(isHttpUrl, 'must be an http(s) URL the target can reach');

export const callbackSettingsSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** The hub's address as the target reaches it (a reverse proxy's, usually). */
  publicUrl: httpUrl.nullable().default(null),
  /** The URL the callbacks were registered at (so a changed public URL unregisters the old ones). */
  registeredUrl: z.string().nullable().default(null),
});
export type CallbackSettings = z.output<typeof callbackSettingsSchema>;

export class CallbackError extends Error {
  override readonly name = 'CallbackError';
  constructor(
    readonly status: 400 | 401 | 404 | 409 | 429,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function callbackUrl(publicUrl: string, target: string, integrationId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/api/v1/callbacks/${encodeURIComponent(target)}/${encodeURIComponent(integrationId)}`;
}

export async function readCallbackSettings(store: Pick<Store, 'repos'>, integrationId: string): Promise<CallbackSettings> {
  const parsed = callbackSettingsSchema.safeParse((await store.repos.settings.get(integrationId, CALLBACK_SETTINGS_KEY)) ?? {});
  return parsed.success ? parsed.data : callbackSettingsSchema.parse({});
}

function callbacksOf(rt: IntegrationRuntime) {
  const group = rt.target.callbacks;
  if (group === undefined || !rt.target.capabilities.callbacks) {
    throw new CallbackError(409, 'callbacks_unsupported', `${rt.target.system} does not push changes; its loops poll on their schedule`);
  }
  return group;
}

/** Turns callbacks on (registering them at the public URL) or off (removing them). Idempotent. */
export async function setCallbacks(rt: IntegrationRuntime, wanted: { enabled: boolean; publicUrl?: string | null }): Promise<{ settings: CallbackSettings; registrations: CallbackRegistration[] }> {
  const integrationId = rt.integration.id;
  const current = await readCallbackSettings(rt.store, integrationId);
  const publicUrl = wanted.publicUrl === undefined ? current.publicUrl : wanted.publicUrl;
  const group = callbacksOf(rt);
  if (!wanted.enabled) {
    if (current.registeredUrl !== null) await group.unregister(current.registeredUrl);
    const settings = callbackSettingsSchema.parse({ enabled: false, publicUrl, registeredUrl: null });
    await rt.store.repos.settings.set(integrationId, CALLBACK_SETTINGS_KEY, settings);
    return { settings, registrations: [] };
  }
  if (publicUrl === null) throw new CallbackError(400, 'public_url_required', `Callbacks need the hub's public URL (the address ${rt.target.system} can reach, e.g. https://hub.example.com)`);
  // Checked before anything is registered: a bad address must not reach the target.
  if (!isHttpUrl(publicUrl)) throw new CallbackError(400, 'public_url_invalid', `The hub's public URL must be an http(s) address ${rt.target.system} can reach, e.g. https://hub.example.com (got "${publicUrl}")`);
  const url = callbackUrl(publicUrl, rt.integration.target, integrationId);
  if (current.registeredUrl !== null && current.registeredUrl !== url) await group.unregister(current.registeredUrl);
  const registrations = await group.register(url, CALLBACK_ENTITIES, { secret: rt.store.repos.integrations.callbackSecret(integrationId) });
  const settings = callbackSettingsSchema.parse({ enabled: true, publicUrl, registeredUrl: url });
  await rt.store.repos.settings.set(integrationId, CALLBACK_SETTINGS_KEY, settings);
  return { settings, registrations };
}

export interface IntakeDeps {
  store: Store;
  runtimes: RuntimeProvider;
  /** The job runner, as the port sync asks for passes through; absent when this process runs no loops. */
  runner: LoopQueue | undefined;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; debug?(obj: object, msg?: string): void };
  /** Gates the audit rows of refusals (one per integration and minute); one per process. */
  refusals?: RefusalAudit;
  clock?: () => Date;
}

/** How long an accepted delivery's digest is kept: a replay within it is refused. */
export const REPLAY_WINDOW_MS = 24 * 60 * 60_000;

/**
 * Refusals come from unauthenticated callers: one audit row (and one warning) per integration per
 * window, carrying how many more were refused since the last row, so a flood of forged deliveries
 * cannot flood the audit trail or the log.
 */
export class RefusalAudit {
  private readonly last = new Map<string, { at: number; suppressed: number }>();
  constructor(private readonly windowMs = 60_000) {}

  /** Whether to write this refusal, and how many were left unwritten before it. */
  admit(integrationId: string, at: number): { write: boolean; suppressed: number } {
    const seen = this.last.get(integrationId);
    if (seen !== undefined && at - seen.at < this.windowMs) {
      seen.suppressed += 1;
      return { write: false, suppressed: seen.suppressed };
    }
    this.last.set(integrationId, { at, suppressed: 0 });
    return { write: true, suppressed: seen?.suppressed ?? 0 };
  }
}

const defaultRefusals = new RefusalAudit();

// What an unauthenticated caller is told: no integration names, sites, key URLs or reasons (those go
// to the log and the audit trail, for the people who run the hub).
const NOT_HERE = 'No integration takes callbacks at this address';
const REFUSED = 'The callback could not be verified and is refused';
const REJECTED = 'The callback is not one this address accepts';

export interface IntakeResult {
  event: TargetCallbackEvent;
  loop: (typeof CALLBACK_LOOPS)[CallbackEntity];
  /** False when this process has no job runner: the next scheduled pass applies the change. */
  triggered: boolean;
  /** Settles when the triggered work finished (tests and benchmarks wait on it; the HTTP answer does not). */
  done: Promise<void>;
}

/**
 * Verifies a delivery and triggers the loop that applies it. Throws `CallbackError` 404 (no such
 * integration, or callbacks off for it) or 401 (refused: audit-logged).
 */
export async function receiveCallback(deps: IntakeDeps, target: string, integrationId: string, delivery: CallbackDelivery & { remote?: string }): Promise<IntakeResult> {
  const integration = await deps.store.repos.integrations.get(integrationId);
  if (integration === undefined || integration.target !== target) throw new CallbackError(404, 'not_found', NOT_HERE);
  const settings = await readCallbackSettings(deps.store, integrationId);
  if (!settings.enabled || !integration.enabled) {
    deps.log.info({ integrationId }, 'callback for an integration whose callbacks are off');
    throw new CallbackError(404, 'not_found', NOT_HERE);
  }
  const now = (deps.clock ?? (() => new Date()))();
  const rt = await deps.runtimes.get(integrationId);
  let event: TargetCallbackEvent;
  try {
    event = await callbacksOf(rt).verify(delivery, { secret: deps.store.repos.integrations.callbackSecret(integrationId) });
  } catch (error) {
    if (!isConnectorError(error) || (error.code !== 'auth_failed' && error.code !== 'bad_payload' && error.code !== 'bad_request')) throw error;
    const refused = error.code === 'auth_failed';
    const gate = (deps.refusals ?? defaultRefusals).admit(integrationId, now.getTime());
    if (gate.write) {
      await deps.store.repos.auditLog.record({
        actor: `${target}:callback`,
        action: refused ? 'callback.refused' : 'callback.rejected',
        subjectType: 'integration',
        subjectId: integrationId,
        details: { reason: error.message, ...(delivery.remote === undefined ? {} : { remote: delivery.remote }), refusedSinceLastEntry: gate.suppressed },
      });
      deps.log.warn({ integrationId, code: error.code, reason: error.message, remote: delivery.remote, refusedSinceLastEntry: gate.suppressed }, 'callback refused');
    } else {
      deps.log.debug?.({ integrationId, code: error.code, reason: error.message, remote: delivery.remote }, 'callback refused (counted in the next audit entry)');
    }
    throw new CallbackError(refused ? 401 : 400, refused ? 'signature_refused' : 'invalid_callback', refused ? REFUSED : REJECTED);
  }

  // A genuine delivery older than the window its digest is kept for could be sent again unnoticed.
  const occurred = event.occurredAt === undefined ? Number.NaN : Date.parse(event.occurredAt);
  if (Number.isFinite(occurred) && now.getTime() - occurred > REPLAY_WINDOW_MS) {
    deps.log.info({ integrationId, occurredAt: event.occurredAt, remote: delivery.remote }, 'callback older than the replay window; refused');
    throw new CallbackError(409, 'callback_replayed', 'This delivery was received before and is not applied again');
  }
  // A genuine delivery sent again (by anyone who saw it) is refused: it was applied once.
  const digest = createHash('sha256').update(delivery.rawBody, 'utf8').digest('hex');
  if (!(await deps.store.repos.callbackDeliveries.firstSeen(integrationId, digest, now, REPLAY_WINDOW_MS))) {
    deps.log.info({ integrationId, remote: delivery.remote }, 'callback replayed; refused');
    throw new CallbackError(409, 'callback_replayed', 'This delivery was received before and is not applied again');
  }

  const loop = CALLBACK_LOOPS[event.entity];
  const runner = deps.runner;
  if (runner === undefined) {
    deps.log.info({ integrationId, event }, 'callback verified; no job runner in this process, the next scheduled pass applies it');
    return { event, loop, triggered: false, done: Promise.resolve() };
  }
  const done = (async () => {
    if (event.entity === 'contract' && event.companyId !== null) {
      await refreshContracts(rt, { full: false, dryRun: false, loop: 'callbacks', companyIds: [event.companyId] });
      // The provisioning pass plans this company (and what else changed), not every company.
      await rt.repos.dirtyCompanies.mark(integrationId, loop, [event.companyId]);
    }
    const result = await runner.runNow(integrationId, loop);
    if (result.status !== 'ok') deps.log.warn({ integrationId, loop, error: result.error }, 'the pass a callback triggered failed; polling retries it');
  })().catch((error: unknown) => {
    deps.log.warn({ integrationId, loop, err: error instanceof Error ? error.message : String(error) }, 'applying a callback failed; polling retries it');
  });
  deps.log.info({ integrationId, event, loop }, 'callback verified; loop triggered');
  return { event, loop, triggered: true, done };
}
