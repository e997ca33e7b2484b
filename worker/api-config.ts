/**
 * The API's share of the configuration, read from the environment once at
 * the composition root (called by `loadConfig`): bearer tokens, web
 * sessions and webhook secrets. Files named here are read at start-up; restart to pick up changes.
 */
import { readFileSync } from 'node:fs';
import { parseTokensEnv, parseTokensFile, tokenTable, type TokenEntry } from '../api/auth/tokens.ts';
import { sessionKeyProblem, sessionTtlProblem } from '../api/auth/session-cookie.ts';
import { parseDuration } from '../flow/duration.ts';
import { ConfigError } from './errors.ts';
import type { SecretResolver } from '../contracts/secrets.ts';

export interface ApiConfig {
  /** COFLOW_TOKENS and COFLOW_TOKENS_FILE together; none turns authentication off. */
  readonly tokens: readonly TokenEntry[];
  /** COFLOW_SECRET_<NAME> and COFLOW_SECRETS_FILE. */
  readonly resolveSecret: SecretResolver;
  /** COFLOW_SESSION_KEY: signs web session cookies, the same for every API server; unset: a random key per process. */
  readonly sessionKey?: string;
  /** COFLOW_SESSION_TTL: how long a web session lasts (ms); unset: 8 h. */
  readonly sessionTtlMs?: number;
}

/** COFLOW_SESSION_KEY and COFLOW_SESSION_TTL, checked. */
function sessionConfig(env: NodeJS.ProcessEnv): { sessionKey?: string; sessionTtlMs?: number } {
  const key = env.COFLOW_SESSION_KEY || undefined;
  const keyProblem = key === undefined ? undefined : sessionKeyProblem(key);
  if (keyProblem !== undefined) throw new ConfigError(`COFLOW_SESSION_KEY ${keyProblem}`);
  const rawTtl = env.COFLOW_SESSION_TTL || undefined;
  let ttl: number | undefined;
  if (rawTtl !== undefined) {
    try {
      ttl = parseDuration(rawTtl);
    } catch (err) {
      throw new ConfigError(`COFLOW_SESSION_TTL: ${(err as Error).message}`);
    }
    const ttlProblem = sessionTtlProblem(ttl);
    if (ttlProblem !== undefined) throw new ConfigError(`COFLOW_SESSION_TTL ${ttlProblem}, got "${rawTtl}"`);
  }
  return { ...(key === undefined ? {} : { sessionKey: key }), ...(ttl === undefined ? {} : { sessionTtlMs: ttl }) };
}

/** `github-hook` → `COFLOW_SECRET_GITHUB_HOOK`. */
const secretEnvName = (name: string): string => `COFLOW_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

function readJsonFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${what} ${file} cannot be read: ${(err as Error).message}`);
  }
}

/** Reads and checks tokens and secrets; throws a ConfigError naming the variable or file. */
export function loadApiConfig(env: NodeJS.ProcessEnv): ApiConfig {
  const tokens: TokenEntry[] = [];
  try {
    if (env.COFLOW_TOKENS) tokens.push(...parseTokensEnv(env.COFLOW_TOKENS));
    if (env.COFLOW_TOKENS_FILE) tokens.push(...parseTokensFile(readJsonFile(env.COFLOW_TOKENS_FILE, 'COFLOW_TOKENS_FILE'), env.COFLOW_TOKENS_FILE));
    tokenTable(tokens); // rejects bad entries now, not on the first request
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError((err as Error).message);
  }

  let fileSecrets: Record<string, string> = {};
  if (env.COFLOW_SECRETS_FILE) {
    const text = readJsonFile(env.COFLOW_SECRETS_FILE, 'COFLOW_SECRETS_FILE');
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`COFLOW_SECRETS_FILE ${env.COFLOW_SECRETS_FILE}: not JSON: ${(err as Error).message}`);
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || !Object.values(doc).every((v) => typeof v === 'string')) {
      throw new ConfigError(`COFLOW_SECRETS_FILE ${env.COFLOW_SECRETS_FILE}: expected a JSON object of secret name → string value`);
    }
    fileSecrets = doc as Record<string, string>;
  }
  const envSecrets = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('COFLOW_SECRET_') && v !== undefined)) as Record<string, string>;
  // The environment wins over the file.
  const resolveSecret: SecretResolver = (name) => Promise.resolve(envSecrets[secretEnvName(name)] ?? (Object.hasOwn(fileSecrets, name) ? fileSecrets[name] : undefined));
  return { tokens, resolveSecret, ...sessionConfig(env) };
}
