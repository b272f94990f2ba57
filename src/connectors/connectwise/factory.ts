/**
 * Builds the ConnectWise target from an integration's stored credentials, named as the portal's
 * form names them (`site`, `companyId`, `publicKey`, `privateKey`, `clientId`), and its connector
 * settings:
 *
 * | key | default | |
 * |---|---|---|
 * | `connectwiseCodebase` | from `/login/companyinfo/{company}` | fixed codebase (`v2025_1/`) |
 * | `paygFieldCaption` | `Acronis PAYG` | the addition checkbox that marks pay-as-you-go |
 */
import { ConnectorError } from '../kit/errors.ts';
import type { TargetFactory, TargetFactoryInput } from '../manifest-schema.ts';
import { CONNECTWISE_SYSTEM, siteOrigin } from './client.ts';
import { createConnectWiseTarget, type ConnectWiseTarget, type ConnectWiseTargetOptions } from './target.ts';

export const CONNECTWISE_CREDENTIAL_FIELDS = ['site', 'companyId', 'publicKey', 'privateKey', 'clientId'] as const;

const LABELS: Record<(typeof CONNECTWISE_CREDENTIAL_FIELDS)[number], string> = {
  site: 'the site',
  companyId: 'the company',
  publicKey: 'the public key',
  privateKey: 'the private key',
  clientId: 'the clientId',
};

export function connectWiseOptionsFrom(input: TargetFactoryInput): ConnectWiseTargetOptions {
  const value = (name: string) => (input.credentials[name] ?? '').trim();
  const missing = CONNECTWISE_CREDENTIAL_FIELDS.filter((name) => value(name) === '');
  const of = input.connectionName === undefined ? '' : ` '${input.connectionName}'`;
  if (missing.length > 0) {
    throw new ConnectorError({
      code: 'auth_failed',
      system: CONNECTWISE_SYSTEM,
      message: `The ConnectWise integration${of} lacks ${missing.map((m) => LABELS[m]).join(', ')}: fill them in on the integration settings`,
      context: { operation: 'configure connector' },
    });
  }
  try {
    siteOrigin(value('site'));
  } catch {
    throw new ConnectorError({
      code: 'auth_failed',
      system: CONNECTWISE_SYSTEM,
      message: `The ConnectWise site "${value('site')}"${of} is not a host name or URL: enter it as api-na.myconnectwise.net (or https://your-server)`,
      context: { operation: 'configure connector' },
    });
  }
  const setting = (key: string) => {
    const v = input.settings?.[key];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const codebase = setting('connectwiseCodebase');
  const caption = setting('paygFieldCaption');
  return {
    credentials: { site: value('site'), companyId: value('companyId'), publicKey: value('publicKey'), privateKey: value('privateKey'), clientId: value('clientId') },
    ...(codebase === undefined ? {} : { codebase }),
    ...(caption === undefined ? {} : { paygFieldCaption: caption }),
    ...(input.connectionName === undefined ? {} : { connectionName: input.connectionName }),
    ...(input.onCall === undefined ? {} : { onCall: input.onCall }),
    ...(input.fetch === undefined ? {} : { fetch: input.fetch }),
  };
}

export const connectWiseTargetFactory: TargetFactory = (input): ConnectWiseTarget => createConnectWiseTarget(connectWiseOptionsFrom(input));
