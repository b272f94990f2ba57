// "Log in" on the ConnectWise form (POST /api/v1/integrations/test) against the emulator: the right
// credentials name the MSP and the site; each wrong one gets its own message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConnectWiseEmulator, type ConnectWiseEmulator } from '../../emulators/connectwise/server.ts';
import { startHub, type TestHub } from '../support/hub.ts';
import { testDatabases } from '../support/databases.ts';
import { cwCredentials } from './harness.ts';

describe.each(testDatabases().slice(0, 1))('ConnectWise credential check ($name)', (db) => {
  let hub: TestHub;
  let cw: ConnectWiseEmulator;
  beforeAll(async () => {
    hub = await startHub(db);
    cw = await startConnectWiseEmulator({ port: 0, seed: 'demo' });
  });
  afterAll(async () => {
    await hub.close();
    await cw.close();
  });
  const check = async (credentials: Record<string, string>) =>
    (await hub.app.inject({ method: 'POST', url: '/api/v1/integrations/test', headers: await hub.tokenHeaders(), payload: { target: 'connectwise', credentials } })).json();

  it('says who we are with the right credentials, and what to fix with each wrong one', async () => {
    const good = cwCredentials(cw);
    expect(await check(good)).toMatchObject({ ok: true, displayName: expect.stringMatching(/^Emulator MSP, ConnectWise /) });
    expect((await check({ ...good, companyId: 'typo' })).error.message).toMatch(/does not know the company 'typo'/);
    expect((await check({ ...good, privateKey: 'nope' })).error.message).toMatch(/rejected the API keys/);
    expect((await check({ ...good, clientId: '11111111-1111-1111-1111-111111111111' })).error.message).toMatch(/refused the clientId/);
    const targets = (await hub.app.inject({ method: 'GET', url: '/api/v1/integrations/targets', headers: await hub.tokenHeaders() })).json().items;
    expect(targets.find((t: { target: string }) => t.target === 'connectwise').canTest).toBe(true);
  });
});
