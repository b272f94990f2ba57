import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted HTTP server on 127.0.0.1:0 for the kit's tests: each request is answered by the
 * next handler in the script (the last one repeats). Test-only; lives here so every connector's
 * unit tests can reuse it.
 */
export type ScriptedHandler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface ScriptedServer {
  url: string;
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  script(...handlers: ScriptedHandler[]): void;
  close(): Promise<void>;
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  let handlers: ScriptedHandler[] = [];
  let index = 0;
  const requests: ScriptedServer['requests'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const handler = handlers[Math.min(index, handlers.length - 1)];
      index += 1;
      if (handler === undefined) {
        res.statusCode = 500;
        res.end('no handler scripted');
        return;
      }
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...next) => {
      handlers = next;
      index = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const reply =
  (status: number, body?: unknown, headers: Record<string, string> = {}): ScriptedHandler =>
  (_req, res) => {
    res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
    res.end(body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
  };

export const replyText =
  (status: number, text: string, contentType: string): ScriptedHandler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(text);
  };

/** Never answers: the client's timeout must fire. */
export const hang: ScriptedHandler = () => undefined;

/** Closes the socket without an answer. */
export const drop: ScriptedHandler = (req) => {
  req.socket.destroy();
};
