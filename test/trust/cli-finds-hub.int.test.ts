// The CLI finds the hub it belongs to (issue "What was seen" 4): `npx psa-bridge status` in the folder
// where `npm run demo` runs shows the demo's integrations and their first passes, saying which
// database it reads; in a folder with no hub it says so and creates nothing (no empty database, no key).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, type CliResult } from '../support/cli.ts';

/** `psa-bridge …` run in `cwd` with no database configured, as a person types it in that folder. */
function runIn(cwd: string, args: readonly string[]): Promise<CliResult> {
  return runCli(args, {}, { cwd, unset: ['DATABASE_URL', 'PSA_BRIDGE_DATA_DIR', 'PSA_BRIDGE_SECRET_KEY'] });
}

describe('the CLI finds its hub', () => {
  let empty: string;
  let folder: string;
  let demo: ReturnType<typeof spawn> | undefined;
  let banner = '';

  beforeAll(async () => {
    empty = mkdtempSync(path.join(tmpdir(), 'psa-bridge-nohub-'));
    folder = mkdtempSync(path.join(tmpdir(), 'psa-bridge-demo-'));
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    delete env.PSA_BRIDGE_DATA_DIR;
    demo = spawn(process.execPath, [BIN, 'demo', '--port', '0'], { cwd: folder, env });
    demo.stdout!.on('data', (chunk: Buffer) => (banner += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const check = () => (banner.includes('Press Ctrl+C to stop.') ? resolve() : undefined);
      demo!.stdout!.on('data', check);
      demo!.once('exit', (code) => reject(new Error(`demo exited with ${code}`)));
    });
  }, 240_000);

  afterAll(async () => {
    if (demo && demo.exitCode === null) {
      demo.kill('SIGTERM');
      await once(demo, 'exit');
    }
    rmSync(empty, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  });

  it('in a folder with no hub, `status` says there is none and creates nothing', { timeout: 120_000 }, async () => {
    const result = await runIn(empty, ['status']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`There is no hub database at ${path.join(empty, 'data', 'psa-bridge.db')}, so there is nothing to show (nothing was created).`);
    expect(result.stderr).toMatch(/PSA_BRIDGE_DATA_DIR=<its data folder> npx psa-bridge/);
    expect(result.stdout).not.toContain('(none)');
    expect(existsSync(path.join(empty, 'data')) ? readdirSync(path.join(empty, 'data')) : []).toEqual([]);
  });

  it("in the demo's folder, `status` shows the demo's integrations and their first passes; the banner prints the command", { timeout: 120_000 }, async () => {
    const dataDir = path.join(folder, 'data', 'demo');
    expect(banner).toContain('npx psa-bridge status');
    expect(banner).toContain(`PSA_BRIDGE_DATA_DIR=${dataDir} npx psa-bridge status`);

    const result = await runIn(folder, ['status', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/using the demo hub's database .*psa-bridge\.db, found in data\/hub\.json; that hub is running \(pid \d+, portal http:\/\/127\.0\.0\.1:\d+\)/);
    const status = JSON.parse(result.stdout);
    const names: string[] = status.integrations.map((i: { name: string }) => i.name);
    // The three PSA integrations, the billing platform, and the distributor instance the demo's BSS activated.
    expect(names.filter((n) => n.startsWith('demo-')).sort()).toEqual(['demo-autotask', 'demo-cloudblue', 'demo-connectwise', 'demo-gradient']);
    expect(names).toHaveLength(5);
    // The Gradient integration opens on its first account push and count push.
    const gradientRuns = status.runs.filter((r: { integration: string }) => r.integration === 'demo-gradient');
    expect(gradientRuns.map((r: { loop: string }) => r.loop).sort()).toEqual(['directory', 'usage']);
    expect(gradientRuns.every((r: { status: string }) => r.status === 'succeeded')).toBe(true);
    expect(banner).toMatch(/demo-gradient +Gradient Synthesize: \d+ accounts, \d+ services, \d+ counts/);
    // The demo's first passes are in the run history like any other.
    const autotaskRuns = status.runs.filter((r: { integration: string }) => r.integration === 'demo-autotask').map((r: { loop: string }) => r.loop);
    expect(autotaskRuns).toEqual(expect.arrayContaining(['directory', 'provisioning']));
    expect(status.runs.find((r: { integration: string; loop: string }) => r.integration === 'demo-autotask' && r.loop === 'provisioning').stats._run).toMatchObject({ trigger: 'demo' });
    // Nothing was created where the default configuration looks.
    expect(existsSync(path.join(folder, 'data', 'psa-bridge.db'))).toBe(false);

    const explicit = await runIn(folder, ['status']);
    expect(explicit.stdout).toMatch(/demo-autotask\s+autotask\s+yes\s+/);
  });

  it('removes its pointer when the demo stops, so a later command does not follow it', { timeout: 120_000 }, async () => {
    demo!.kill('SIGTERM');
    await once(demo!, 'exit');
    expect(existsSync(path.join(folder, 'data', 'hub.json'))).toBe(false);
  });
});
