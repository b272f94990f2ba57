import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CONFIG = fileURLToPath(new URL('./reporter-fixture/vitest.config.ts', import.meta.url));
const VITEST = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

describe('summary reporter', () => {
  it('counts the tests of a file whose beforeAll failed as failed, not skipped', async () => {
    const child = spawn(process.execPath, [VITEST, 'run', '--config', CONFIG], { env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const [code] = (await once(child, 'close')) as [number | null];
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('1 passed, 2 failed, 1 skipped');
  }, 120_000);
});
