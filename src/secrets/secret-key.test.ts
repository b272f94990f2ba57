import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSecretKey } from './secret-key.ts';

let dataDir: string;
beforeEach(() => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'psa-bridge-key-')), 'data');
});
afterEach(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

describe('loadSecretKey', () => {
  it('reads a base64 or hex key from PSA_BRIDGE_SECRET_KEY', () => {
    const raw = Buffer.alloc(32, 9);
    expect(loadSecretKey({ env: { PSA_BRIDGE_SECRET_KEY: raw.toString('base64') }, dataDir }).key).toEqual(raw);
    expect(loadSecretKey({ env: { PSA_BRIDGE_SECRET_KEY: raw.toString('hex') }, dataDir })).toMatchObject({ key: raw, source: 'env' });
  });

  it('rejects a key of the wrong length, saying how long it must be', () => {
    const env = { PSA_BRIDGE_SECRET_KEY: Buffer.alloc(16).toString('base64') };
    expect(() => loadSecretKey({ env, dataDir })).toThrow(/PSA_BRIDGE_SECRET_KEY must hold 32 bytes.*decodes to 16 bytes/);
    expect(() => loadSecretKey({ env: { PSA_BRIDGE_SECRET_KEY: 'not a key!' }, dataDir })).toThrow(
      expect.objectContaining({ code: 'secret_key_invalid' }),
    );
  });

  it('generates a key file with mode 0600 and reuses it', () => {
    const first = loadSecretKey({ env: {}, dataDir });
    expect(first.source).toBe('generated');
    expect(first.key).toHaveLength(32);
    const file = join(dataDir, 'secret.key');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.key.toString('base64'));

    const second = loadSecretKey({ env: {}, dataDir });
    expect(second).toMatchObject({ source: 'file', file });
    expect(second.key).toEqual(first.key);
  });

  it.skipIf(process.platform === 'win32')('refuses a key file others can read', () => {
    loadSecretKey({ env: {}, dataDir });
    chmodSync(join(dataDir, 'secret.key'), 0o644);
    expect(() => loadSecretKey({ env: {}, dataDir })).toThrow(/accessible to other users \(mode 644\).*chmod 600/);
  });

  it('prefers the environment over the file', () => {
    loadSecretKey({ env: {}, dataDir });
    const raw = Buffer.alloc(32, 3);
    expect(loadSecretKey({ env: { PSA_BRIDGE_SECRET_KEY: raw.toString('base64') }, dataDir }).key).toEqual(raw);
  });
});
