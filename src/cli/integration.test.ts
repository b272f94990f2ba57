import { describe, expect, it } from 'vitest';
import { credentialEnvName, credentialsFrom } from './integration.ts';

describe('integration add: credentials from the target manifest', () => {
  const none = { pairs: [], flags: {}, env: {} };

  it('reads every field of the target from the environment, then flags and pairs', () => {
    const env = { [credentialEnvName('siteUrl')]: 'https://psa.example', [credentialEnvName('apiKey')]: 'from-env' };
    expect(credentialsFrom({ ...none, target: 'cloudblue', env, pairs: ['apiKey=from-flag'] })).toEqual({
      target: 'cloudblue',
      credentials: { siteUrl: 'https://psa.example', apiKey: 'from-flag' },
    });
    expect(credentialEnvName('integrationCode')).toBe('PSA_BRIDGE_TARGET_INTEGRATION_CODE');
  });

  it('names what is missing, how to give it, and refuses fields the target does not have', () => {
    expect(() => credentialsFrom({ ...none, target: 'autotask', pairs: ['username=u'] })).toThrow(
      'missing autotask credentials: secret (--credential secret=… or PSA_BRIDGE_TARGET_SECRET), integrationCode (--credential integrationCode=… or PSA_BRIDGE_TARGET_INTEGRATION_CODE)',
    );
    expect(() => credentialsFrom({ ...none, target: 'cloudblue', pairs: ['siteUrl=https://x', 'apiKey=k', 'secret=s'] })).toThrow(/"secret" is not a CloudBlue PSA credential; its fields are siteUrl, apiKey/);
    expect(() => credentialsFrom({ ...none, target: 'nosuch' })).toThrow(/unknown target "nosuch"; expected one of autotask, connectwise, cloudblue/);
  });

  it('takes an optional field through its own flag, only for a target that has it', () => {
    const autotask = ['username=u', 'secret=s', 'integrationCode=c'];
    expect(credentialsFrom({ ...none, target: 'autotask', pairs: autotask, flags: { discoveryUrl: 'http://127.0.0.1:1/' } }).credentials).toMatchObject({ discoveryUrl: 'http://127.0.0.1:1/' });
    expect(() => credentialsFrom({ ...none, target: 'cloudblue', pairs: ['siteUrl=https://x', 'apiKey=k'], flags: { discoveryUrl: 'http://x/' } })).toThrow(
      '--discovery-url is a credential of Autotask; CloudBlue PSA takes none',
    );
  });
});
