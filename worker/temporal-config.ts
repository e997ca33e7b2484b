/**
 * How coflow reaches Temporal: address, namespace, TLS or mutual TLS, and an
 * API key (Temporal Cloud, secured clusters). Read from the environment once
 * at the entry point (`loadConfig`); every connection of a process — the
 * client's and the worker's native one — is made from the same settings.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { ConfigError } from './errors.ts';

/** TLS towards the Temporal frontend; `clientCert` and `clientKey` make it mutual. */
export interface TemporalTls {
  /** PEM of the CA that signed the server's certificate; unset: the system's roots. */
  readonly serverCa?: Buffer;
  /** The name the server's certificate must carry, when it differs from the address's host. */
  readonly serverName?: string;
  readonly clientCert?: Buffer;
  readonly clientKey?: Buffer;
}

export interface TemporalSettings {
  /** COFLOW_TEMPORAL_ADDRESS: host:port of the Temporal frontend. */
  readonly temporalAddress: string;
  /** COFLOW_TEMPORAL_NAMESPACE */
  readonly namespace: string;
  /** COFLOW_TEMPORAL_TLS and its files; unset: plain gRPC (or TLS with the system's roots when an API key is set). */
  readonly temporalTls?: TemporalTls;
  /** COFLOW_TEMPORAL_API_KEY: sent as `Authorization: Bearer …` on every call. */
  readonly temporalApiKey?: string;
}

function pemFile(env: NodeJS.ProcessEnv, name: string): Buffer | undefined {
  const file = env[name];
  if (file === undefined || file === '') return undefined;
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError(`${name}=${file} cannot be read: ${(err as Error).message}`);
  }
}

function tlsSwitch(env: NodeJS.ProcessEnv): boolean | undefined {
  const raw = env.COFLOW_TEMPORAL_TLS;
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`COFLOW_TEMPORAL_TLS must be true or false, got "${raw}"`);
}

function loadTls(env: NodeJS.ProcessEnv, apiKey: string | undefined): TemporalTls | undefined {
  const serverCa = pemFile(env, 'COFLOW_TEMPORAL_TLS_CA');
  const clientCert = pemFile(env, 'COFLOW_TEMPORAL_TLS_CERT');
  const clientKey = pemFile(env, 'COFLOW_TEMPORAL_TLS_KEY');
  const serverName = env.COFLOW_TEMPORAL_TLS_SERVER_NAME || undefined;
  if ((clientCert === undefined) !== (clientKey === undefined)) {
    throw new ConfigError('COFLOW_TEMPORAL_TLS_CERT and COFLOW_TEMPORAL_TLS_KEY go together (mutual TLS): set both or neither');
  }
  const anyFile = serverCa !== undefined || clientCert !== undefined || serverName !== undefined;
  const on = tlsSwitch(env) ?? (anyFile || apiKey !== undefined);
  if (!on) {
    if (anyFile) throw new ConfigError('COFLOW_TEMPORAL_TLS=false, yet TLS files or a server name are set: remove them or turn TLS on');
    return undefined;
  }
  return { ...(serverCa ? { serverCa } : {}), ...(serverName ? { serverName } : {}), ...(clientCert && clientKey ? { clientCert, clientKey } : {}) };
}

/** Reads and checks the Temporal settings; throws ConfigError naming the bad variable. */
export function loadTemporalConfig(env: NodeJS.ProcessEnv): TemporalSettings {
  const temporalApiKey = env.COFLOW_TEMPORAL_API_KEY || undefined;
  const temporalTls = loadTls(env, temporalApiKey);
  return {
    temporalAddress: env.COFLOW_TEMPORAL_ADDRESS || '127.0.0.1:7233',
    namespace: env.COFLOW_TEMPORAL_NAMESPACE || 'default',
    ...(temporalTls ? { temporalTls } : {}),
    ...(temporalApiKey ? { temporalApiKey } : {}),
  };
}

/** Connection options shared by the client's and the worker's connections (the SDK's TLS shape is the same for both). */
export function connectionOptions(settings: Omit<TemporalSettings, 'namespace'>): ConnectionOptions & NativeConnectionOptions {
  const { temporalTls: tls, temporalApiKey } = settings;
  return {
    address: settings.temporalAddress,
    // An API key without TLS settings means TLS (as Temporal Cloud wants): say so explicitly either way.
    tls: tls === undefined
      ? false
      : {
          ...(tls.serverCa ? { serverRootCACertificate: tls.serverCa } : {}),
          ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
          ...(tls.clientCert && tls.clientKey ? { clientCertPair: { crt: tls.clientCert, key: tls.clientKey } } : {}),
        },
    ...(temporalApiKey ? { apiKey: temporalApiKey } : {}),
  };
}
