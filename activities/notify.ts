/**
 * The notification activity: delivers one notice to one receiver. It resolves
 * `${{ secrets.NAME }}` in the address (and a webhook's signing secret) here
 * and only here, masks every secret value in what it logs and in its errors
 * (errors are stored in Temporal's history), and returns once the receiver
 * confirmed: a 2xx answer, or the SMTP server's acceptance. Failures a retry
 * may cure are thrown as retryable; Temporal retries them with backoff
 * (workflows/notify.ts), so a receiver that is down delays only its own notice.
 */
import { createHmac } from 'node:crypto';
import { ApplicationFailure, log } from '@temporalio/activity';
import { FAILURE_TYPES } from '../contracts/job-attempt.ts';
import type { NotificationDelivery } from '../contracts/notifications.ts';
import type { SecretResolver } from '../contracts/secrets.ts';
import { hasExpressions, interpolate, parseTemplate, references } from '../flow/expressions/index.ts';
import { addressProblem } from '../flow/parse-receivers.ts';
import type { ReceiverSpec } from '../flow/model.ts';
import { smtpSender, type MailSender, type SmtpSettings } from './notify-mail.ts';
import { headline, noticeText, runLink, slackMessage, webhookBody } from './notify-message.ts';
import { secretMasker } from './secrets.ts';
import { retryableStatus } from './service-call.ts';

export interface NotifyActivityDeps {
  /** Resolves `${{ secrets.NAME }}` in addresses and a webhook receiver's `secret`. */
  readonly secrets?: SecretResolver;
  /** The base of the run links (COFLOW_PUBLIC_URL, default the API's own address). */
  readonly publicUrl?: () => string | Promise<string>;
  /** The SMTP server of `mail` receivers (COFLOW_SMTP_*); without it they fail, saying so. */
  readonly smtp?: SmtpSettings;
  /** Bound of one send (HTTP request or SMTP conversation); default 30 s. */
  readonly timeoutMs?: number;
}

/** What a confirmed delivery reports. */
export interface DeliveryReceipt {
  readonly deliveryId: string;
  /** `HTTP 200`, `SMTP accepted`. */
  readonly confirmation: string;
}

/** The header names a webhook receiver reads (the same as coflow's own generic trigger). */
export const WEBHOOK_HEADERS = { signature: 'X-Coflow-Signature', delivery: 'X-Coflow-Delivery', event: 'X-Coflow-Event' } as const;

const DEFAULT_TIMEOUT_MS = 30_000;

const refuse = (message: string): ApplicationFailure => ApplicationFailure.nonRetryable(message, FAILURE_TYPES.badInput);

/** The secrets an address reads, by name; a missing one fails the delivery without retrying. */
async function addressSecrets(address: string, resolver: SecretResolver | undefined, what: string): Promise<Record<string, string>> {
  const secrets: Record<string, string> = {};
  if (!hasExpressions(address)) return secrets;
  let parts;
  try {
    parts = parseTemplate(address);
  } catch (err) {
    throw refuse(`${what}: address: ${(err as Error).message}`);
  }
  for (const part of parts) {
    if (part.kind !== 'expr') continue;
    for (const ref of references(part.expr)) {
      const name = ref.segments[1];
      if (ref.segments[0] !== 'secrets' || name === undefined || name in secrets) continue;
      const value = await resolver?.(name);
      if (value === undefined) throw refuse(`${what}: secret ${name} is not defined (store, COFLOW_SECRET_${name} or COFLOW_SECRETS_FILE)`);
      secrets[name] = value;
    }
  }
  return secrets;
}

/** `receiver 2 (webhook)`: how logs and errors name a receiver, never by its address. */
function receiverName(delivery: NotificationDelivery): string {
  const index = delivery.deliveryId.slice(delivery.deliveryId.lastIndexOf('/') + 1);
  return `receiver ${index} (${delivery.receiver.type})`;
}

/** Builds the notification activity with its dependencies. */
export function createNotifyActivities(deps: NotifyActivityDeps) {
  const { secrets, publicUrl, smtp, timeoutMs = DEFAULT_TIMEOUT_MS } = deps;
  const mail: MailSender | undefined = smtp === undefined ? undefined : smtpSender(smtp, timeoutMs);

  /** POSTs `body`; throws a retryable failure for what may pass later, a non-retryable one for a refusal. */
  async function post(url: string, body: string, headers: Record<string, string>, mask: (s: string) => string, what: string): Promise<string> {
    let response: Response;
    try {
      // A redirect would turn the POST into a GET elsewhere: it is reported, not followed.
      response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      await response.arrayBuffer();
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      throw ApplicationFailure.retryable(mask(`${what}: POST ${url} failed: ${(err as Error).message}${cause}`), 'NotificationNotDelivered');
    }
    if (response.ok) return `HTTP ${response.status}`;
    const location = response.headers.get('location');
    const message = mask(`${what}: POST ${url} answered ${response.status} ${response.statusText}${location === null ? '' : ` (to ${location}; give the final URL)`}`.trimEnd());
    if (retryableStatus(response.status) && (response.status < 300 || response.status >= 400)) throw ApplicationFailure.retryable(message, 'NotificationNotDelivered');
    throw refuse(message);
  }

  async function deliver(d: NotificationDelivery, receiver: ReceiverSpec, address: string, mask: (s: string) => string, what: string): Promise<string> {
    const link = runLink(publicUrl === undefined ? '' : await publicUrl(), d.notice);
    switch (receiver.type) {
      case 'slack':
        return post(address, slackMessage(d.notice, link), {}, mask, what);
      case 'webhook': {
        const secret = receiver.secret === undefined ? undefined : await secrets?.(receiver.secret);
        if (secret === undefined) throw refuse(`${what}: signing secret ${receiver.secret ?? '(none)'} is not defined (store, COFLOW_SECRET_<NAME> or COFLOW_SECRETS_FILE)`);
        const body = webhookBody(d.notice, link, d.deliveryId);
        const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
        const headers = { [WEBHOOK_HEADERS.signature]: signature, [WEBHOOK_HEADERS.delivery]: d.deliveryId, [WEBHOOK_HEADERS.event]: d.notice.event };
        const signingMask = secretMasker([secret]);
        return post(address, body, headers, (s) => signingMask(mask(s)), what);
      }
      case 'mail': {
        if (mail === undefined) throw refuse(`${what}: this worker has no SMTP server to send mail through (set COFLOW_SMTP_HOST)`);
        const failure = await mail({ to: address, subject: headline(d.notice), text: noticeText(d.notice, link), deliveryId: d.deliveryId });
        if (failure === undefined) return 'SMTP accepted';
        if (failure.retryable) throw ApplicationFailure.retryable(mask(`${what}: ${failure.message}`), 'NotificationNotDelivered');
        throw refuse(mask(`${what}: ${failure.message}`));
      }
    }
  }

  async function sendNotification(delivery: NotificationDelivery): Promise<DeliveryReceipt> {
    const { receiver, deliveryId } = delivery;
    const what = `${delivery.notice.runId}: notification ${delivery.notice.event} to ${receiverName(delivery)}`;
    const values = await addressSecrets(receiver.address, secrets, what);
    const mask = secretMasker(Object.values(values));
    let address: string;
    try {
      address = hasExpressions(receiver.address) ? interpolate(receiver.address, { secrets: values }).trim() : receiver.address.trim();
    } catch (err) {
      throw refuse(mask(`${what}: address: ${(err as Error).message}`));
    }
    const problem = addressProblem(receiver.type, address);
    if (problem !== undefined) throw refuse(mask(`${what}: ${problem}`));
    const confirmation = await deliver(delivery, receiver, address, mask, what);
    log.info('notification delivered', { deliveryId, receiver: receiverName(delivery), address: mask(address), confirmation });
    return { deliveryId, confirmation };
  }

  return { sendNotification };
}

export type NotifyActivities = ReturnType<typeof createNotifyActivities>;
