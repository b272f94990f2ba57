import { loadConfig, type HubConfig } from '../config/config.ts';
import { loadSecretKey } from '../secrets/secret-key.ts';
import { openStore, type Store } from '../store/store.ts';
import { locateHub, requireExistingDatabase } from './hub-locator.ts';

export interface HubContext {
  config: HubConfig;
  store: Store;
}

export interface HubContextOptions {
  /**
   * Whether the command may start a new database (serve, migrate, user add do). Commands that read
   * what a hub holds say there is none rather than creating an empty one and showing "(none)".
   */
  create?: boolean;
}

/**
 * What most commands need: the validated configuration and an open, migrated store. Opening is
 * the same for `serve`, `migrate`, `user add` and the rest, so a setting means the same everywhere.
 * Without DATABASE_URL / PSA_BRIDGE_DATA_DIR, the hub this folder belongs to is found (hub-locator.ts).
 */
export async function openHubContext(env: NodeJS.ProcessEnv = process.env, options: HubContextOptions = {}): Promise<HubContext> {
  const located = locateHub(env);
  if (located.note !== null) process.stderr.write(`${located.note}\n`);
  const config = loadConfig(located.env);
  // Before the key: loading it would create a key file next to a database that does not exist.
  if (options.create === false) requireExistingDatabase(config.databaseUrl);
  const { key } = loadSecretKey({ env: located.env, dataDir: config.dataDir });
  const store = await openStore({ url: config.databaseUrl, secretKey: key });
  return { config, store };
}

/** Runs `work` with an open context and always closes the store, so a command never hangs on a pool. */
export async function withHubContext<T>(work: (context: HubContext) => Promise<T>, options: HubContextOptions = {}): Promise<T> {
  const context = await openHubContext(process.env, options);
  try {
    return await work(context);
  } finally {
    await context.store.close();
  }
}
