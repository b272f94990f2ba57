import { describe, expect, it } from 'vitest';
import { startCli } from '../../test/support/cli.ts';
import { gradientToken } from './auth.ts';

describe('psa-bridge emulate gradient', () => {
  it('prints {"system":"gradient","url","credentials":{vendor_key,partner_key}} first, and those keys work', async () => {
    const emulator = await startCli(['emulate', 'gradient', '--port', '0', '--seed', 'empty']);
    try {
      expect(emulator.firstLine).toEqual({
        system: 'gradient',
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        credentials: { vendor_key: expect.stringMatching(/^gv_/), partner_key: expect.stringMatching(/^gp_/) },
      });
      const { vendor_key, partner_key } = emulator.firstLine.credentials as Record<string, string>;
      const r = await fetch(`${String(emulator.firstLine.url)}/api/vendor-api/organization`, {
        headers: { 'GRADIENT-TOKEN': gradientToken(vendor_key as string, partner_key as string) },
      });
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ name: 'Northwind MSP', status: 'inactive' });
    } finally {
      expect(await emulator.stop()).toBe(0);
    }
  });
});
