/**
 * Alertmanager's webhook payload (version 4), as coflow reads it, and the
 * bearer token check of its receiver (`http_config.authorization`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from '@hono/zod-openapi';

const Labels = z.record(z.string(), z.string());

export const AlertmanagerAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: Labels,
  annotations: Labels.default({}),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  fingerprint: z.string().min(1).max(200).optional(),
});
export type AlertmanagerAlert = z.infer<typeof AlertmanagerAlert>;

export const AlertmanagerPayload = z.object({
  version: z.string().optional(),
  status: z.enum(['firing', 'resolved']),
  alerts: z.array(AlertmanagerAlert).max(10_000),
});
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayload>;

/** Whether `Authorization: Bearer <token>` carries `secret`, compared in constant time (digests make the lengths equal). */
export function bearerMatches(secret: string, header: string | undefined): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? '');
  if (!m) return false;
  const given = m[1]!;
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(secret), digest(given)) && given.length === secret.length;
}

/** A time Alertmanager sent, as ISO 8601; undefined for none or its zero time (`0001-01-01…`, not resolved yet). */
export function alertTime(value: string | undefined): string | undefined {
  if (value === undefined || value.startsWith('0001-')) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
