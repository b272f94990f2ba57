// Every /apis/3.0 call carries `Authorization: Basic base64("{companyId}+{publicKey}:{privateKey}")`
// and a `clientId` header (reference §B.1). The company id matches without regard to case [INF].
// Refusals [INF: statuses and texts]: no or malformed Authorization → 401; wrong company or keys →
// 401 (or 404 as cloud sites answer, see control `settings.wrongAuthStatus`); missing clientId →
// 401; a clientId that is not registered → 401.
import { CwError } from './errors.ts';
import type { CwState } from './state.ts';

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string): string | undefined => {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

export interface Caller {
  memberId: number;
  identifier: string;
}

export function authenticate(state: CwState, headers: Headers): Caller {
  const auth = header(headers, 'authorization') ?? '';
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth);
  if (!m) throw new CwError(401, 'Authentication is required: send Authorization: Basic base64("companyId+publicKey:privateKey").');
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  const privateKey = colon < 0 ? '' : decoded.slice(colon + 1);
  const plus = user.indexOf('+');
  if (plus < 0 || colon < 0) throw new CwError(401, 'The Authorization header must carry "companyId+publicKey:privateKey".');
  const company = user.slice(0, plus);
  const publicKey = user.slice(plus + 1);
  const key = state.apiKeys.get(publicKey);
  if (company.toLowerCase() !== state.info.companyId.toLowerCase() || !key || key.privateKey !== privateKey) {
    const status = state.settings.wrongAuthStatus;
    throw new CwError(status, status === 404 ? 'Not Found' : 'Invalid credentials: the company id, public key or private key is wrong.');
  }
  const clientId = header(headers, 'clientid')?.trim();
  if (clientId === undefined || clientId === '') throw new CwError(401, 'A clientId header is required on every request. Get one at https://developer.connectwise.com/ClientID.');
  if (!state.clientIds.has(clientId.toLowerCase())) throw new CwError(401, `The clientId "${clientId}" is not registered.`);
  const member = state.table('members').rows.get(key.memberId);
  return { memberId: key.memberId, identifier: String(member?.identifier ?? 'api') };
}
