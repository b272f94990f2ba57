// How the hub (API, CLI, demo) reaches the vendor cloud to check a connection: a factory, so tests and the demo can
// point it anywhere. Only `whoAmI` is needed here.
export interface VendorCredentials {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs?: number;
}

export interface VendorIdentity {
  clientId: string;
  tenantId: string;
  tenantName: string;
  tenantKind: string;
}

export type VendorFactory = (credentials: VendorCredentials) => { whoAmI(): Promise<VendorIdentity> };
