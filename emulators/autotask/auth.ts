// The three headers every call carries (ApiIntegrationCode, UserName, Secret; names are
// case-insensitive) and the real API's answers when they are wrong (reference §A.1, §A.4):
// an unknown user → 500, a wrong secret → 401, a bad integration code → 500 "IntegrationCode is
// invalid.". A resource that is not an API-only user is refused with 401 [INF: the SOAP API's text for
// the same case was "Version 1.6 of the API is only accessible to API Only users."].
import { AtError } from './errors.ts';
import type { ApiUser, AutotaskState } from './state.ts';

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string): string | undefined => {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

export const NOT_API_USER_MESSAGE = 'The REST API is only accessible to API Only users. Create an API user (security level "API User (system)") and use its credentials.';

export function authenticate(state: AutotaskState, headers: Headers): { user: ApiUser; integrationCode: string } {
  const userName = header(headers, 'UserName')?.trim() ?? '';
  const secret = header(headers, 'Secret') ?? '';
  const code = header(headers, 'ApiIntegrationCode')?.trim() ?? '';
  const user = userName === '' ? undefined : state.users.get(userName.toLowerCase());
  if (!user) throw new AtError(500, `Unable to authenticate: '${userName}' is not a valid user name.`);
  if (secret === '' || secret !== user.secret || !user.isActive) throw new AtError(401, 'Unauthorized: the user name or secret is not valid.');
  if (!state.integrationCodes.has(code)) throw new AtError(500, 'IntegrationCode is invalid.');
  if (!user.isApiUser) throw new AtError(401, NOT_API_USER_MESSAGE);
  return { user, integrationCode: code };
}
