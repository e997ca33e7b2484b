/**
 * Configuration of flow logic: the payload codec keys, the Lua HTTP
 * allow-list and the key of the secret store. Read by loadConfig (config.ts).
 */
import { parseCodecKeys, type CodecKey } from './codec.ts';
import { ConfigError } from './errors.ts';

export interface LogicConfig {
  /** COFLOW_CODEC_KEYS: `id:base64key,…` (32-byte keys); the first encrypts, all decrypt. Unset: payloads are not encrypted. */
  readonly codecKeys?: readonly CodecKey[];
  /**
   * COFLOW_CODEC_CORS_ORIGINS: comma-separated origins (`scheme://host[:port]`) whose pages may call the
   * codec endpoint from a browser (a Temporal UI); `*` is refused, since the endpoint answers with credentials.
   */
  readonly codecCorsOrigins: readonly string[];
  /** COFLOW_LUA_HTTP_ALLOW: comma-separated host patterns (`api.example.com`, `*.example.com`, `host:port`) Lua hooks may call. */
  readonly luaHttpAllow: readonly string[];
  /** COFLOW_SECRETS_KEY: base64 of 32 bytes encrypting stored secrets; unset: `<dataDir>/secrets.key`, generated once. */
  readonly secretsKey?: Buffer;
}

/** The origins of COFLOW_CODEC_CORS_ORIGINS, each checked to be an http(s) origin and nothing more. */
export function parseCorsOrigins(text: string): string[] {
  const origins: string[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (item === '*' || item === 'null') {
      throw new ConfigError(`COFLOW_CODEC_CORS_ORIGINS: "${item}" is not allowed (the codec endpoint answers with credentials); list each Temporal UI origin, e.g. http://127.0.0.1:8233`);
    }
    let url: URL | undefined;
    try {
      url = new URL(item);
    } catch {
      url = undefined;
    }
    const origin = url?.origin;
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || origin !== item.replace(/\/$/, '').toLowerCase()) {
      throw new ConfigError(`COFLOW_CODEC_CORS_ORIGINS: "${item}" is not an origin (scheme://host[:port], no path)`);
    }
    origins.push(origin);
  }
  return [...new Set(origins)];
}

/** Reads and checks these variables; throws ConfigError naming the bad one. */
export function loadLogicConfig(env: NodeJS.ProcessEnv): LogicConfig {
  let codecKeys: CodecKey[] | undefined;
  try {
    codecKeys = env.COFLOW_CODEC_KEYS ? parseCodecKeys(env.COFLOW_CODEC_KEYS) : undefined;
  } catch (err) {
    throw new ConfigError(`COFLOW_CODEC_KEYS: ${(err as Error).message}`);
  }
  const secretsKey = env.COFLOW_SECRETS_KEY ? Buffer.from(env.COFLOW_SECRETS_KEY, 'base64') : undefined;
  if (secretsKey !== undefined && secretsKey.length !== 32) throw new ConfigError('COFLOW_SECRETS_KEY must be the base64 of 32 bytes');
  return {
    ...(codecKeys ? { codecKeys } : {}),
    codecCorsOrigins: parseCorsOrigins(env.COFLOW_CODEC_CORS_ORIGINS ?? ''),
    luaHttpAllow: (env.COFLOW_LUA_HTTP_ALLOW ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    ...(secretsKey ? { secretsKey } : {}),
  };
}
