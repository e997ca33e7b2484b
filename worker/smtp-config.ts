/**
 * The SMTP server that `mail` receivers send through, read by loadConfig
 * (config.ts): COFLOW_SMTP_HOST (unset: no mail; mail receivers fail their
 * delivery saying so), _PORT, _SECURE, _USER, _PASSWORD, _FROM.
 */
import { hostname } from 'node:os';
import type { SmtpSettings } from '../activities/notify-mail.ts';
import { ConfigError } from './errors.ts';

export interface SmtpConfig {
  /** COFLOW_SMTP_*: present when COFLOW_SMTP_HOST is set. */
  readonly smtp?: SmtpSettings;
}

/** Reads and checks the SMTP variables; throws ConfigError naming the bad one. */
export function loadSmtpConfig(env: NodeJS.ProcessEnv): SmtpConfig {
  const host = env.COFLOW_SMTP_HOST;
  if (host === undefined || host === '') return {};
  const secureRaw = (env.COFLOW_SMTP_SECURE || 'false').toLowerCase();
  if (secureRaw !== 'true' && secureRaw !== 'false') throw new ConfigError(`COFLOW_SMTP_SECURE must be true or false, got "${env.COFLOW_SMTP_SECURE}"`);
  const secure = secureRaw === 'true';
  const portRaw = env.COFLOW_SMTP_PORT || (secure ? '465' : '587');
  const port = Number(portRaw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`COFLOW_SMTP_PORT must be a port number (1-65535), got "${portRaw}"`);
  const user = env.COFLOW_SMTP_USER || undefined;
  const password = env.COFLOW_SMTP_PASSWORD || undefined;
  if (password !== undefined && user === undefined) throw new ConfigError('COFLOW_SMTP_PASSWORD is set but COFLOW_SMTP_USER is not');
  return {
    smtp: {
      host,
      port,
      secure,
      ...(user === undefined ? {} : { user }),
      ...(password === undefined ? {} : { password }),
      from: env.COFLOW_SMTP_FROM || `coflow <coflow@${hostname()}>`,
    },
  };
}
