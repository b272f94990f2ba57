/**
 * Sends a notification by email through the SMTP server the administrator configured (nodemailer).
 * The message id is derived from the delivery, so a message sent again after a crash mid-send
 * carries the same Message-ID and mail systems that de-duplicate by it show it once.
 */
import nodemailer from 'nodemailer';
import type { EmailConfig } from './channel-config.ts';

const TIMEOUT_MS = 15_000;

export async function sendEmail(config: EmailConfig, message: { deliveryId: string; subject: string; text: string }): Promise<void> {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    ...(config.user === null ? {} : { auth: { user: config.user, pass: config.password ?? '' } }),
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
    // Never let nodemailer write the conversation (it would include AUTH) to a log.
    logger: false,
    debug: false,
  });
  try {
    await transport.sendMail({
      from: config.from,
      to: config.to,
      subject: message.subject,
      text: message.text,
      messageId: `<${message.deliveryId}@psa-bridge>`,
    });
  } finally {
    transport.close();
  }
}
