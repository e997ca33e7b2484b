/**
 * Sending a notification mail over SMTP with nodemailer. The worker's SMTP
 * settings come from its configuration (COFLOW_SMTP_*); the Message-ID is
 * derived from the delivery id, so a mail sent again after a lost outcome
 * carries the same one and a mail client shows it once.
 */
import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';

/** The SMTP server notification mails go through (worker configuration). */
export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when the server offers it. */
  readonly secure: boolean;
  readonly user?: string;
  readonly password?: string;
  /** The sender: `coflow <ci@example.com>`. */
  readonly from: string;
}

export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly deliveryId: string;
}

/** Why a send failed, and whether sending again can help. */
export interface SendFailure {
  readonly message: string;
  readonly retryable: boolean;
}

/** A sender bound to one SMTP server: resolves when the server accepted the mail, else a SendFailure. */
export type MailSender = (message: MailMessage) => Promise<SendFailure | undefined>;

/** `<hex@coflow>`: the same for every send of one delivery. */
export function messageIdOf(deliveryId: string): string {
  return `<${createHash('sha256').update(deliveryId).digest('hex').slice(0, 40)}@coflow>`;
}

/** A sender for `smtp`; each send opens its own connection (notifications are rare, a pool would idle). */
export function smtpSender(smtp: SmtpSettings, timeoutMs: number): MailSender {
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user === undefined ? {} : { auth: { user: smtp.user, pass: smtp.password ?? '' } }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return async (m) => {
    try {
      await transport.sendMail({
        from: smtp.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        messageId: messageIdOf(m.deliveryId),
        headers: { 'X-Coflow-Delivery': m.deliveryId },
      });
      return undefined;
    } catch (err) {
      const { responseCode, code } = err as { responseCode?: number; code?: string };
      // 5xx: the server refuses for good (unknown mailbox, policy); 4xx and lost connections may pass later.
      const permanent = (responseCode !== undefined && responseCode >= 500) || code === 'EAUTH' || code === 'EENVELOPE';
      return { message: `SMTP ${smtp.host}:${smtp.port}: ${(err as Error).message}`, retryable: !permanent };
    }
  };
}
