/**
 * Configuration of flow logic: the payload codec keys, the Lua HTTP
 * allow-list and the key of the secret store. Read by loadConfig (config.ts).
 */
import { parseCodecKeys, type CodecKey } from './codec.ts';
import { ConfigError } from './errors.ts';

export interface LogicConfig {
  /** COFLOW_CODEC_KEYS: `id:base64key,…` (32-byte keys); the first encrypts, all decrypt. Unset: payloads are not encrypted. */
  readonly codecKeys?: readonly CodecKey[];
  /** COFLOW_LUA_HTTP_ALLOW: comma-separated host patterns (`api.example.com`, `*.example.com`, `host:port`) Lua hooks may call. */
  readonly luaHttpAllow: readonly string[];
  /** COFLOW_SECRETS_KEY: base64 of 32 bytes encrypting stored secrets; unset: `<dataDir>/secrets.key`, generated once. */
  readonly secretsKey?: Buffer;
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
    luaHttpAllow: (env.COFLOW_LUA_HTTP_ALLOW ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    ...(secretsKey ? { secretsKey } : {}),
  };
}
