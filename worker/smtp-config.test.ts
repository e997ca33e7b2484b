import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { loadSmtpConfig } from './smtp-config.ts';

describe('SMTP configuration', () => {
  it('is off without a host, and defaults the port to the transport', () => {
    expect(loadSmtpConfig({})).toEqual({});
    expect(loadSmtpConfig({ COFLOW_SMTP_HOST: 'mail', COFLOW_SMTP_FROM: 'ci@x' }).smtp).toEqual({ host: 'mail', port: 587, secure: false, from: 'ci@x' });
    expect(loadSmtpConfig({ COFLOW_SMTP_HOST: 'mail', COFLOW_SMTP_SECURE: 'true', COFLOW_SMTP_USER: 'u', COFLOW_SMTP_PASSWORD: 'p' }).smtp).toMatchObject({ port: 465, secure: true, user: 'u', password: 'p' });
  });

  it('names the bad variable', () => {
    expect(() => loadSmtpConfig({ COFLOW_SMTP_HOST: 'mail', COFLOW_SMTP_PORT: 'smtp' })).toThrow(new ConfigError('COFLOW_SMTP_PORT must be a port number (1-65535), got "smtp"'));
    expect(() => loadSmtpConfig({ COFLOW_SMTP_HOST: 'mail', COFLOW_SMTP_SECURE: 'yes' })).toThrow(ConfigError);
    expect(() => loadSmtpConfig({ COFLOW_SMTP_HOST: 'mail', COFLOW_SMTP_PASSWORD: 'p' })).toThrow(/COFLOW_SMTP_USER/);
  });
});
