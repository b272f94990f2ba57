import { loadConfig, type HubConfig } from '../config/config.ts';
import { loadSecretKey } from '../config/secret-key.ts';
import { openStore, type Store } from '../store/store.ts';

export interface HubContext {
  config: HubConfig;
  store: Store;
}

/**
 * What most commands need: the validated configuration and an open, migrated store. Opening is
 * the same for `serve`, `migrate`, `user add` and the rest, so a setting means the same everywhere.
 */
export async function openHubContext(env: NodeJS.ProcessEnv = process.env): Promise<HubContext> {
  const config = loadConfig(env);
  const { key } = loadSecretKey({ env, dataDir: config.dataDir });
  const store = await openStore({ url: config.databaseUrl, secretKey: key });
  return { config, store };
}

/** Runs `work` with an open context and always closes the store, so a command never hangs on a pool. */
export async function withHubContext<T>(work: (context: HubContext) => Promise<T>): Promise<T> {
  const context = await openHubContext();
  try {
    return await work(context);
  } finally {
    await context.store.close();
  }
}
