// Instances: one per distributor agreement the platform links (its settings arrive with every
// call). An instance is found by its gateway and API client; the first call with new settings (or
// changed ones) checks them against the vendor before anything is done with them. Each instance
// has a connection (the gateway and the sealed client secret) and an integration row, so the
// journal and the audit trail serve it as any other integration.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { isValidDiscount } from '../../domain/distributor-pricing.ts';
import { ConnectorError, isConnectorError } from '../../connectors/kit/errors.ts';
import type { VendorCloud } from '../../connectors/ports.ts';
import {
  ServiceManagerError,
  type DistributorSettings,
  type InboundCall,
  type InstanceRef,
  type NameUpdatePolicy,
} from '../../connectors/service-manager-port.ts';
import { isTargetSystem } from '../../connectors/registry.ts';
import type { Instance } from '../../store/repositories/service-manager.ts';
import type { ServiceManagerStore as Store } from './store.ts';

export type InstanceVendorFactory = (credentials: { baseUrl: string; clientId: string; clientSecret: string }) => VendorCloud;

export interface ResolvedInstance {
  instance: Instance;
  ref: InstanceRef;
  vendor: VendorCloud;
}

const digest = (text: string): string => createHash('sha256').update(text).digest('hex');
const normalizeGateway = (url: string): string => url.trim().replace(/\/+$/, '').toLowerCase();

/** The instance's identity among a registration's: its gateway and API client. */
export const instanceKeyOf = (settings: Pick<DistributorSettings, 'gateway' | 'clientId'>): string =>
  digest(`${normalizeGateway(settings.gateway)}|${settings.clientId.trim()}`);

/** Stable across runs, different per instance (and per registration). */
export const productTypeIdOf = (registrationId: string, instanceKey: string): string => `acronis-csp-${digest(`${registrationId}|${instanceKey}`).slice(0, 16)}`;

export const toRef = (i: Instance): InstanceRef => ({
  instanceId: i.id,
  productTypeId: i.productTypeId,
  systemName: i.systemName,
  distributorTenantId: i.distributorTenantId,
  distributorName: i.distributorName,
  discountPercent: i.discount,
  currency: i.currency,
  updateNames: i.updateNames as NameUpdatePolicy,
  firstNames: i.firstNames,
});

function staticProblems(s: DistributorSettings): string[] {
  const problems: string[] = [];
  if (s.systemName.trim() === '') problems.push('System Name is empty: give the application a name');
  let url: URL | null = null;
  try {
    url = new URL(s.gateway.trim());
  } catch {
    problems.push(`Gateway '${s.gateway}' is not a URL: enter the data-center URL Acronis gave with your distributor credentials, e.g. https://eu2-cloud.acronis.com`);
  }
  if (url !== null && url.protocol !== 'https:' && url.protocol !== 'http:') problems.push(`Gateway '${s.gateway}' must be an https URL`);
  if (s.clientId.trim() === '') problems.push('Client Id is empty: enter the API client id from the distributor tenant (Settings → API clients)');
  if (s.clientSecret.trim() === '') problems.push('Client Secret is empty: enter the secret shown when the API client was created');
  if (!isValidDiscount(s.discountPercent)) problems.push(`Distributor Discount (%) must be between 0 and 100, not ${s.discountPercent}: enter the percentage agreed with Acronis`);
  if (!/^[A-Za-z]{3}$/.test(s.currency.trim())) problems.push(`Primary Currency '${s.currency}' is not a currency code: choose one such as USD or EUR`);
  return problems;
}

function vendorProblem(error: unknown, s: DistributorSettings): string {
  if (isConnectorError(error, 'auth_failed') || isConnectorError(error, 'forbidden')) {
    return `${s.gateway} refused Client Id ${s.clientId} with this Client Secret: check both in the distributor tenant (Settings → API clients), and that the API client is enabled`;
  }
  if (error instanceof ConnectorError && (error.code === 'unexpected_response' || error.code === 'not_found' || error.code === 'bad_payload' || error.code === 'bad_request')) {
    return `Gateway ${s.gateway} is not an Acronis data center (it answered, but not as the Acronis API does): enter the data-center URL Acronis gave with your distributor credentials, e.g. https://eu2-cloud.acronis.com`;
  }
  const detail = error instanceof Error ? error.message : String(error);
  return `Gateway ${s.gateway} could not be reached (${detail}): check the URL and try again`;
}

export class Instances {
  private readonly cache = new Map<string, { fingerprint: string; resolved: ResolvedInstance }>();

  constructor(
    private readonly store: Store,
    private readonly vendorFactory: InstanceVendorFactory,
    private readonly log: Logger,
  ) {}

  /** Everything about the settings that, when it changes, needs a fresh check (the secret only as a digest). */
  private fingerprint(s: DistributorSettings): string {
    return digest(JSON.stringify([s.systemName, normalizeGateway(s.gateway), s.clientId, digest(s.clientSecret), s.discountPercent, s.currency.toUpperCase(), s.updateNames]));
  }

  /** The settings' problems in the words of the activation form; saves the instance when there are none. */
  async validate(call: InboundCall, settings: DistributorSettings): Promise<{ problems: string[]; resolved?: ResolvedInstance }> {
    const problems = staticProblems(settings);
    if (problems.length > 0) return { problems };
    const s = { ...settings, gateway: settings.gateway.trim().replace(/\/+$/, ''), clientId: settings.clientId.trim(), currency: settings.currency.trim().toUpperCase() };
    const vendor = this.vendorFactory({ baseUrl: s.gateway, clientId: s.clientId, clientSecret: s.clientSecret });
    let me;
    try {
      me = await vendor.whoAmI();
    } catch (error) {
      return { problems: [vendorProblem(error, s)] };
    }
    if (me.tenantKind !== 'partner' && me.tenantKind !== 'root') {
      return { problems: [`The API client belongs to '${me.tenantName}', a ${me.tenantKind} tenant, which cannot hold service providers: use an API client of the distributor tenant`] };
    }
    try {
      const offered = await vendor.getAvailableForChild(me.tenantId, 'partner');
      if (offered.length === 0) {
        return { problems: [`'${me.tenantName}' has nothing it may give a service provider: ask Acronis to enable the distributor's offering items`] };
      }
      await vendor.getPriceList(me.tenantId, s.currency);
    } catch (error) {
      if (isConnectorError(error, 'bad_request')) {
        return { problems: [`Primary Currency ${s.currency} is not one Acronis prices in: ${error.message.replace(/^.*Acronis says: /, '').replace(/\)$/, '')}`] };
      }
      return { problems: [vendorProblem(error, s)] };
    }
    const resolved = await this.save(call, s, me.tenantId, me.tenantName, vendor);
    this.cache.set(`${call.registrationId}|${resolved.instance.instanceKey}`, { fingerprint: this.fingerprint(settings), resolved });
    return { problems: [], resolved };
  }

  /** The instance these settings name, checked against the vendor when they are new or changed. */
  async resolve(call: InboundCall, settings: DistributorSettings): Promise<ResolvedInstance> {
    const key = instanceKeyOf(settings);
    const cached = this.cache.get(`${call.registrationId}|${key}`);
    if (cached !== undefined && cached.fingerprint === this.fingerprint(settings)) return cached.resolved;
    const stored = await this.store.repos.serviceManager.getInstanceByKey(call.registrationId, key);
    if (stored !== undefined && (await this.unchanged(stored, settings))) {
      const creds = await this.store.repos.connections.getCredentials((await this.integrationConnection(stored)) as string);
      const resolved = { instance: stored, ref: toRef(stored), vendor: this.vendorFactory(creds) };
      this.cache.set(`${call.registrationId}|${key}`, { fingerprint: this.fingerprint(settings), resolved });
      return resolved;
    }
    const { problems, resolved } = await this.validate(call, settings);
    if (resolved === undefined) throw new ServiceManagerError('bad_settings', `The instance settings were not accepted: ${problems.join('; ')}`);
    return resolved;
  }

  private async integrationConnection(i: Instance): Promise<string | undefined> {
    return (await this.store.repos.integrations.get(i.integrationId))?.connectionId;
  }

  private async unchanged(i: Instance, s: DistributorSettings): Promise<boolean> {
    if (i.systemName !== s.systemName || i.discount !== s.discountPercent || i.currency !== s.currency.trim().toUpperCase() || i.updateNames !== s.updateNames) return false;
    const connectionId = await this.integrationConnection(i);
    if (connectionId === undefined) return false;
    const creds = await this.store.repos.connections.getCredentials(connectionId);
    return creds.clientSecret === s.clientSecret && normalizeGateway(creds.baseUrl) === normalizeGateway(s.gateway);
  }

  private async save(call: InboundCall, s: DistributorSettings, tenantId: string, tenantName: string, vendor: VendorCloud): Promise<ResolvedInstance> {
    const repo = this.store.repos.serviceManager;
    const key = instanceKeyOf(s);
    const existing = await repo.getInstanceByKey(call.registrationId, key);
    let integrationId = existing?.integrationId;
    const label = `${s.systemName.trim()} [${key.slice(0, 8)}]`;
    if (integrationId === undefined) {
      const registration = (await repo.listRegistrations()).find((r) => r.id === call.registrationId);
      const target = registration?.connector;
      if (target === undefined || !isTargetSystem(target)) {
        throw new ServiceManagerError('bad_request', `The application registration names no known connector (${target ?? 'none'})`);
      }
      const connection = await this.store.repos.connections.create({ name: label, baseUrl: s.gateway, clientId: s.clientId, clientSecret: s.clientSecret, tenantId, tenantName });
      // Checked just now: the settings were validated against the vendor.
      await this.store.repos.connections.recordCheck(connection.id, { ok: true, tenantId, tenantName });
      const integration = await this.store.repos.integrations.create({ name: label, connectionId: connection.id, target, credentials: {}, features: {} });
      integrationId = integration.id;
      this.log.info({ trackId: call.trackId, route: call.route, integrationId, tenantId }, 'service manager: new instance linked');
    } else {
      const connectionId = await this.integrationConnection(existing as Instance);
      if (connectionId !== undefined) {
        await this.store.repos.connections.update(connectionId, { baseUrl: s.gateway, clientId: s.clientId, clientSecret: s.clientSecret, tenantId, tenantName });
        await this.store.repos.connections.recordCheck(connectionId, { ok: true, tenantId, tenantName });
      }
    }
    const instance = await repo.saveInstance({
      registrationId: call.registrationId,
      instanceKey: key,
      integrationId,
      productTypeId: existing?.productTypeId ?? productTypeIdOf(call.registrationId, key),
      systemName: s.systemName.trim(),
      gateway: s.gateway,
      clientId: s.clientId,
      discount: s.discountPercent,
      currency: s.currency,
      updateNames: s.updateNames,
      distributorTenantId: tenantId,
      distributorName: tenantName,
    });
    return { instance, ref: toRef(instance), vendor };
  }
}
