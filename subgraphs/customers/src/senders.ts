import nodemailer from 'nodemailer';
import type { Logger } from '@ordergraph/shared';
import type { CustomerRow, NotificationChannel, NotificationRow } from './db/schema.js';

/**
 * Delivers a committed notification to its customer. Throwing means "not delivered": the
 * dispatcher tries again later. A send may be repeated after a crash, so delivery is at least
 * once; the notification's id travels along for receivers that deduplicate.
 */
export interface NotificationSender {
  /** how the notifications it sends reach the customer, recorded on each */
  readonly channel: NotificationChannel;
  send(notification: NotificationRow, customer: CustomerRow): Promise<void>;
}

/** The default sender: one structured log line per notification. */
export function createLogSender(log: Logger): NotificationSender {
  return {
    channel: 'LOG',
    async send(notification, customer) {
      log.info(
        {
          notificationId: notification.id,
          customerId: customer.id,
          to: customer.email,
          kind: notification.kind,
          title: notification.title,
          text: notification.message,
        },
        'customer notification',
      );
    },
  };
}

export interface SmtpOptions {
  host: string;
  port: number;
  /** TLS from the first byte (smtps); otherwise STARTTLS when the server offers it */
  secure: boolean;
  auth?: { user: string; pass: string };
}

/**
 * Reads an `smtp://user:password@host:port` or `smtps://...` URL; the port defaults to 587
 * (smtp) or 465 (smtps). Throws on anything else.
 */
export function parseSmtpUrl(value: string): SmtpOptions {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('an SMTP URL must be a URL, e.g. smtp://user:password@host:587');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error('an SMTP URL must start with smtp:// or smtps://');
  }
  if (!url.hostname) throw new Error('an SMTP URL must name a host');
  const secure = url.protocol === 'smtps:';
  const user = decodeURIComponent(url.username);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(user ? { auth: { user, pass: decodeURIComponent(url.password) } } : {}),
  };
}

/** E-mails each notification through an SMTP server; connects only when sending. */
export function createSmtpSender({
  url,
  from,
}: {
  url: string;
  from: string;
}): NotificationSender & { options: SmtpOptions } {
  const options = parseSmtpUrl(url);
  const transport = nodemailer.createTransport(options);
  return {
    channel: 'EMAIL',
    options,
    async send(notification, customer) {
      await transport.sendMail({
        from,
        to: { name: customer.name, address: customer.email },
        subject: notification.title,
        text: notification.message,
        headers: { 'X-Ordergraph-Notification-Id': notification.id },
      });
    },
  };
}

/** The sender the configuration asks for: SMTP when SMTP_URL is set, the log otherwise. */
export function createSender({
  smtpUrl,
  smtpFrom,
  log,
}: {
  smtpUrl: string | undefined;
  smtpFrom: string | undefined;
  log: Logger;
}): NotificationSender {
  if (!smtpUrl) return createLogSender(log);
  if (!smtpFrom) throw new Error('SMTP_FROM is required with SMTP_URL.');
  return createSmtpSender({ url: smtpUrl, from: smtpFrom });
}
