// The demo's distributor instance: an Acronis emulator with the distributor dataset (the
// distributor's own gateway), the BSS pointed at the hub's Service Management API with its
// application registration, an instance saved (validated) and its Get Services Definition run, so
// the BSS has its catalogue and orders can be placed at once.
import { startAcronisEmulator } from '../acronis/server.ts';
import type { RunningEmulator } from '../kit/types.ts';

export interface DistributorDemo {
  /** The distributor's Acronis emulator (to print and to close). */
  gateway: RunningEmulator;
  instanceId: string;
  productTypeId: string | null;
  errors: string[];
}

async function control(base: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${base}/_emulator${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`BSS emulator ${method} ${path}: ${res.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

/** `register` stores the BSS's application pair in the hub and returns the base URL to call. */
export async function activateDistributorDemo(
  bss: RunningEmulator,
  register: (pair: { applicationId: string; applicationKey: string }) => Promise<string>,
): Promise<DistributorDemo> {
  const gateway = await startAcronisEmulator({ port: 0, seed: 'distributor' });
  const baseUrl = await register({ applicationId: bss.credentials.application_id ?? '', applicationKey: bss.credentials.application_key ?? '' });
  await control(bss.url, 'POST', '/hub', { base_url: baseUrl });
  const instance = await control(bss.url, 'POST', '/instances', {
    name: 'Acronis Cyber Cloud (EU distributor)',
    settings: {
      SystemName: 'Acronis Cyber Cloud EU',
      Gateway: gateway.url,
      ClientId: gateway.credentials.client_id,
      ClientSecret: gateway.credentials.client_secret,
      DistributorDiscount: '18',
      PrimaryCurrency: 'EUR',
      UpdateProductNames: 'continuous',
    },
  });
  let productTypeId: string | null = null;
  if (instance.saved === true) productTypeId = (await control(bss.url, 'POST', `/instances/${instance.id}/service-definition`)).product_type_id ?? null;
  return { gateway, instanceId: instance.id, productTypeId, errors: instance.errors ?? [] };
}
