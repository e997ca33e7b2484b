/**
 * Connecting to Temporal at start-up.
 */
import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { TemporalUnreachableError } from './errors.ts';
import { connectionOptions, type TemporalSettings } from './temporal-config.ts';

/**
 * Attempts of a call while Temporal cannot be reached: with the SDK's backoff
 * (0.1 s growing by 1.7) about 5.5 s in all, enough to ride out a restart of
 * `coflow dev`'s server, well inside a forge's webhook timeout (GitHub: 10 s),
 * after which an API request answers 503 `temporal_unavailable`. The SDK's
 * default (10 attempts) waits about 20 s.
 */
const CALL_ATTEMPTS = 7;

/** Waits until the namespace answers: a server opens its port before it is ready. */
export async function waitForTemporal(settings: TemporalSettings, timeoutMs = 60_000): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  const { temporalAddress: address, namespace } = settings;
  for (;;) {
    try {
      const connection = await Connection.connect({
        ...connectionOptions(settings),
        connectTimeout: 2_000,
        interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: CALL_ATTEMPTS }))],
      });
      try {
        await connection.workflowService.describeNamespace({ namespace });
      } catch (err) {
        await connection.close();
        throw err;
      }
      return connection;
    } catch (err) {
      if (Date.now() > deadline) {
        throw new TemporalUnreachableError(
          `Temporal at ${address} (namespace ${namespace}) is not reachable after ${Math.round(timeoutMs / 1000)} s: ${(err as Error).message}. ` +
            `Check COFLOW_TEMPORAL_ADDRESS and COFLOW_TEMPORAL_NAMESPACE${tlsHint(settings)}.`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** What to check about TLS, given what is configured. */
function tlsHint({ temporalTls: tls }: TemporalSettings): string {
  if (tls === undefined) return '; a server that requires TLS needs COFLOW_TEMPORAL_TLS=true (or a CA or client certificate)';
  if (!tls.clientCert) return '; a server that requires mutual TLS needs COFLOW_TEMPORAL_TLS_CERT and COFLOW_TEMPORAL_TLS_KEY';
  return '; and that the server trusts the client certificate, and the CA and COFLOW_TEMPORAL_TLS_SERVER_NAME match the server\'s';
}
