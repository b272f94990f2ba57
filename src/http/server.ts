// Listens with an app from buildApp and closes it gracefully on SIGINT/SIGTERM.
import type { FastifyInstance } from 'fastify';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function listen(app: FastifyInstance, options: { host: string; port: number }): Promise<RunningServer> {
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { url: `http://${host}:${port}`, close: () => app.close() };
}

/** Calls `shutdown` once on the first SIGINT or SIGTERM; a second signal exits at once. */
export function onShutdownSignal(shutdown: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`Shutdown after ${signal} failed:`, err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
