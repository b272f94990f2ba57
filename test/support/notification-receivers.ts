// Test-only: where the hub's notifications arrive — a real SMTP server (smtp-server, from the
// nodemailer project) on 127.0.0.1 that requires a user and password and keeps every message, and
// an incoming-webhook receiver (node:http) that records each POST body, as Slack or Teams would.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export const SMTP_TEST_USER = 'hub-mailer';
export const SMTP_TEST_PASSWORD = 'smtp-pass-7f3a91';
/** The secret part of the receiver's URL, as in a Slack incoming-webhook URL. */
export const WEBHOOK_TEST_KEY = 'T000/B000/hook-key-5c2e';

export interface ReceivedMail {
  from: string;
  to: string[];
  data: string;
}

/** A real SMTP server on 127.0.0.1 that accepts only the configured user and keeps every message. */
export async function startSmtpServer(): Promise<{ port: number; mails: ReceivedMail[]; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_TEST_USER && auth.password === SMTP_TEST_PASSWORD) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      let data = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (data += chunk));
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address), data });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** An incoming-webhook receiver: records each POST body; answers `status` (200 unless changed). */
export async function startWebhookReceiver(): Promise<{ url: string; posts: Array<{ path: string; body: unknown }>; setStatus(status: number): void; close(): Promise<void> }> {
  const posts: Array<{ path: string; body: unknown }> = [];
  let status = 200;
  const server: Server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      if (status === 200) posts.push({ path: req.url ?? '', body: JSON.parse(text) });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'channel_is_archived');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/services/${WEBHOOK_TEST_KEY}`,
    posts,
    setStatus: (s) => (status = s),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
