// Test-only: what `psa-bridge demo` prints, read by the browser tests: its first JSON line (portal
// and sign-in), then one line per emulator (`  <system>  <url>  <credentials JSON>`). The first line
// of a system is the emulator the demo's integrations use; later ones (a distributor's own Acronis)
// serve other integrations and are in `lines`.
import type { Page } from 'playwright-core';
import type { LongRunningCli } from './cli.ts';

export interface DemoEmulator {
  system: string;
  url: string;
  credentials: Record<string, string>;
}

export interface DemoBanner {
  portal: string;
  username: string;
  password: string;
  /** The first emulator line per system. */
  emulators: Record<string, DemoEmulator>;
  /** Every emulator line, in order. */
  lines: DemoEmulator[];
}

/** Waits (up to ~10 s) until the demo has listed an emulator of each `required` system. */
export async function readDemoBanner(cli: LongRunningCli, required: readonly string[]): Promise<DemoBanner> {
  const first = cli.firstLine as { portal: string; username: string; password: string };
  for (let i = 0; i < 200; i++) {
    const lines = [...cli.output().stdout.matchAll(/^\s+([a-z][a-z-]*)\s+(https?:\/\/\S+)\s+(\{.*\})\s*$/gm)].map((m) => ({
      system: m[1]!,
      url: m[2]!,
      credentials: JSON.parse(m[3]!) as Record<string, string>,
    }));
    const emulators: Record<string, DemoEmulator> = {};
    for (const line of lines) emulators[line.system] ??= line;
    if (required.every((system) => emulators[system] !== undefined)) return { ...first, emulators, lines };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`demo did not list its ${required.join(', ')} emulators: ${cli.output().stdout}`);
}

/** Signs in on the portal's sign-in page as a person does, and waits for the integrations list. */
export async function signInToPortal(page: Page, demo: Pick<DemoBanner, 'portal' | 'username' | 'password'>): Promise<void> {
  await page.goto(`${demo.portal}/sign-in`);
  await page.getByLabel('User name').fill(demo.username);
  await page.getByLabel('Password').fill(demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Integrations' }).waitFor();
}

/** The hub's API with the page's session (its cookie and the portal's CSRF header); throws on an error status. */
export function portalApi(page: () => Page, portal: () => string) {
  return async <T>(method: 'GET' | 'POST' | 'PUT', pathname: string, body?: unknown): Promise<T> => {
    const response = await page().request.fetch(`${portal()}/api/v1${pathname}`, {
      method,
      headers: { 'x-requested-with': 'psa-bridge', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { data: JSON.stringify(body) }),
    });
    if (!response.ok()) throw new Error(`${method} ${pathname}: ${response.status()} ${await response.text()}`);
    return (await response.json()) as T;
  };
}
