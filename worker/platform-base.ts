/**
 * What every platform process opens first, whatever its role (API server,
 * worker or both): the store, the Temporal connection and client (payloads
 * encrypted when codec keys are set), coflow's search attributes, the secret
 * vault, the component catalog and the metrics registry.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, type Connection } from '@temporalio/client';
import { createMetrics, type ApiMetrics } from '../api/metrics.ts';
import { countRuns } from '../api/run-list.ts';
import { loadCatalog, type Catalog } from '../components/catalog.ts';
import type { SecretResolver } from '../contracts/secrets.ts';
import { openStore, type StoreConfig } from '../store/open-store.ts';
import { secretVault, type SecretVault } from '../store/secrets.ts';
import type { Store } from '../store/store.ts';
import { AesGcmCodec, type CodecKey } from './codec.ts';
import { waitForTemporal } from './connect.ts';
import { installRuntime } from './sdk-logger.ts';
import { ensureSearchAttributes } from './search-attributes.ts';
import type { TemporalSettings } from './temporal-config.ts';

export interface BaseOptions extends TemporalSettings {
  readonly dataDir: string;
  /** Where flows, logs and secrets are kept; default: the embedded store `<dataDir>/coflow.db`. */
  readonly store?: StoreConfig;
  readonly componentsDir: string;
  /** COFLOW_CODEC_KEYS: when given, every Temporal payload is encrypted (worker and client). */
  readonly codecKeys?: readonly CodecKey[];
  /** COFLOW_SECRETS_KEY: 32 bytes encrypting stored secrets; default: generated once into `<dataDir>/secrets.key`. */
  readonly secretsKey?: Buffer;
  /** Secrets by name from the environment or a file (webhook secrets, and `${{ secrets.X }}` before the store). */
  readonly resolveSecret?: SecretResolver;
  /** The least level of the Temporal SDK core's log (default WARN; `coflow dev`: ERROR). */
  readonly coreLogLevel?: 'WARN' | 'ERROR';
}

export interface PlatformBase {
  readonly store: Store;
  readonly connection: Connection;
  readonly client: Client;
  readonly payloadCodec?: AesGcmCodec;
  readonly vault: SecretVault;
  readonly catalog: Catalog;
  readonly metrics: ApiMetrics;
  /** Secrets from the environment or a file; never the store. */
  readonly fromConfig: SecretResolver;
  /** Closes the Temporal connection and the store. */
  close(): Promise<void>;
}

/** The embedded default key of the secret store: generated once, kept beside the data (mode 0600). */
function dataDirSecretsKey(dataDir: string): Buffer {
  const file = join(dataDir, 'secrets.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

export async function openBase(options: BaseOptions): Promise<PlatformBase> {
  installRuntime(options.coreLogLevel);
  mkdirSync(options.dataDir, { recursive: true });
  const store = await openStore(options.store ?? { kind: 'sqlite', file: join(options.dataDir, 'coflow.db') });
  let connection: Connection;
  try {
    connection = await waitForTemporal(options);
    await ensureSearchAttributes(connection, options.namespace);
  } catch (err) {
    await store.close();
    throw err;
  }
  const payloadCodec = options.codecKeys === undefined ? undefined : new AesGcmCodec(options.codecKeys);
  const client = new Client({ connection, namespace: options.namespace, ...(payloadCodec ? { dataConverter: { payloadCodecs: [payloadCodec] } } : {}) });
  return {
    store,
    connection,
    client,
    ...(payloadCodec ? { payloadCodec } : {}),
    vault: secretVault(store, options.secretsKey ?? dataDirSecretsKey(options.dataDir)),
    catalog: loadCatalog(options.componentsDir),
    metrics: createMetrics({ countRuns: (state) => countRuns(client, state), dora: { store } }),
    fromConfig: options.resolveSecret ?? (() => Promise.resolve(undefined)),
    async close() {
      await connection.close();
      await store.close();
    },
  };
}
