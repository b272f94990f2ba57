/**
 * Which hub a command in this folder belongs to. A person runs `npm run demo` and then, in the same
 * folder, `npx psa-bridge status`: the demo's database lives under ./data/demo, not where the default
 * configuration looks (./data/psa-bridge.db). So the demo (and `serve`) write where their database
 * is to ./data/hub.json, and a command run without DATABASE_URL / PSA_BRIDGE_DATA_DIR that finds no
 * database at the default place uses the one named there, saying so.
 *
 * Commands that only read (status, sync, mappings…) never create an empty database silently: when
 * there is none they say where they looked and how to point them at the hub.
 */
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../config/config.ts';
import { parseDatabaseUrl } from '../store/database.ts';

export const HUB_POINTER_FILE = 'hub.json';

const pointerSchema = z.object({
  dataDir: z.string().min(1),
  /** A SQLite path, or a PostgreSQL URL without its password. */
  database: z.string().min(1),
  /** Only for SQLite: a PostgreSQL hub is found through DATABASE_URL, since its password is not written down. */
  databaseUrl: z.string().min(1).optional(),
  portal: z.string().optional(),
  pid: z.number().int(),
  command: z.string(),
  startedAt: z.string(),
});
export type HubPointer = z.infer<typeof pointerSchema>;

export interface LocatedHub {
  env: NodeJS.ProcessEnv;
  /** Said on stderr before the command's output, when the hub was found through the pointer. */
  note: string | null;
}

const defaultDataDir = (cwd: string): string => path.resolve(cwd, 'data');
const pointerPath = (cwd: string): string => path.join(defaultDataDir(cwd), HUB_POINTER_FILE);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readHubPointer(cwd: string = process.cwd()): HubPointer | null {
  const file = pointerPath(cwd);
  if (!existsSync(file)) return null;
  try {
    const parsed = pointerSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Written by `demo` and `serve` once the hub listens; removed by them on a clean stop. */
export function writeHubPointer(pointer: Omit<HubPointer, 'pid' | 'startedAt'>, cwd: string = process.cwd()): () => void {
  const file = pointerPath(cwd);
  mkdirSync(path.dirname(file), { recursive: true });
  const written: HubPointer = { ...pointer, pid: process.pid, startedAt: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(written, null, 2)}\n`);
  return () => {
    // Only our own pointer: another hub may have started since.
    if (readHubPointer(cwd)?.pid === process.pid) rmSync(file, { force: true });
  };
}

/** The environment a command runs with, after looking for the hub this folder belongs to. */
export function locateHub(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): LocatedHub {
  const configured = Boolean(env.DATABASE_URL?.trim()) || Boolean(env.PSA_BRIDGE_DATA_DIR?.trim());
  if (configured || existsSync(path.join(defaultDataDir(cwd), 'psa-bridge.db'))) return { env, note: null };
  const pointer = readHubPointer(cwd);
  if (pointer === null || pointer.databaseUrl === undefined || !existsSync(pointer.dataDir)) return { env, note: null };
  const running = isAlive(pointer.pid) ? `running (pid ${pointer.pid}${pointer.portal ? `, portal ${pointer.portal}` : ''})` : `not running any more (it was pid ${pointer.pid})`;
  return {
    env: { ...env, PSA_BRIDGE_DATA_DIR: pointer.dataDir, DATABASE_URL: pointer.databaseUrl },
    note: `psa-bridge: using the ${pointer.command} hub's database ${pointer.database}, found in ${path.relative(cwd, pointerPath(cwd)) || pointerPath(cwd)}; that hub is ${running}.`,
  };
}

/** Refuses to go on when the command would create a new, empty SQLite database. */
export function requireExistingDatabase(databaseUrl: string, cwd: string = process.cwd()): void {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.dialect !== 'sqlite' || target.path === ':memory:') return;
  const file = path.resolve(cwd, target.path);
  if (existsSync(file)) return;
  throw new ConfigError(
    [
      `There is no hub database at ${file}, so there is nothing to show (nothing was created).`,
      'Start a hub in this folder with `npx psa-bridge serve` (or `npm run demo`), or point this command at one:',
      '  PSA_BRIDGE_DATA_DIR=<its data folder> npx psa-bridge …   or   DATABASE_URL=<its database> npx psa-bridge …',
    ].join('\n'),
  );
}
