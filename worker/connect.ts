/**
 * Connecting to Temporal at start-up.
 */
import { Connection } from '@temporalio/client';
import { TemporalUnreachableError } from './errors.ts';
import { connectionOptions, type TemporalSettings } from './temporal-config.ts';

/** Waits until the namespace answers: a server opens its port before it is ready. */
export async function waitForTemporal(settings: TemporalSettings, timeoutMs = 60_000): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  const { temporalAddress: address, namespace } = settings;
  for (;;) {
    try {
      const connection = await Connection.connect({ ...connectionOptions(settings), connectTimeout: 2_000 });
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
