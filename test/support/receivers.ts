/**
 * Real notification receivers on loopback for the tests: an HTTP server that
 * records every request and answers by a script per path, and an SMTP server
 * (smtp-server, in-process) that requires a login and keeps every mail.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  /** What the receiver answered. */
  readonly status: number;
  readonly at: number;
}

export interface HttpReceiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Answers requests to `path` with these statuses in turn (the last one repeats); default 200. */
  answer(path: string, statuses: readonly number[]): void;
  close(): Promise<void>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const scripts = new Map<string, number[]>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const script = scripts.get(path);
      const status = script === undefined ? 200 : script.length > 1 ? script.shift()! : (script[0] ?? 200);
      requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status, at: Date.now() });
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (path, statuses) => scripts.set(path, [...statuses]),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** True when `sha256=<hex>` is the HMAC-SHA256 of `body` under `secret`, as a receiver checks it. */
export function signatureVerifies(secret: string, body: string, header: unknown): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(body).digest('hex'));
  const given = Buffer.from(header.slice('sha256='.length));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface ReceivedMail {
  readonly to: readonly string[];
  /** The raw message (headers and body) as the server received it. */
  readonly raw: string;
  header(name: string): string | undefined;
  /** The text body, quoted-printable soft breaks and escapes undone. */
  readonly text: string;
}

export interface SmtpSink {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly mails: ReceivedMail[];
  close(): Promise<void>;
}

function decodeQuotedPrintable(s: string): string {
  return s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function parseMail(raw: string, to: readonly string[]): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string): string | undefined => {
    const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
    return line?.slice(name.length + 1).trim();
  };
  const qp = (header('Content-Transfer-Encoding') ?? '').toLowerCase() === 'quoted-printable';
  return { to, raw, header, text: qp ? decodeQuotedPrintable(body) : body };
}

/** An SMTP server on loopback (plain, no STARTTLS) that accepts mail after a login with `user`/`password`. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const user = 'coflow';
  const password = 'smtp-test-password';
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) callback(null, { user });
      else callback(new Error('bad login'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push(parseMail(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo.map((r) => r.address)));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, user, password, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
