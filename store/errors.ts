/**
 * Errors of the store layer, with readonly data and a stable `name`. Callers
 * match them with `instanceof`; `isTransient()` (store/transient.ts) is the
 * one place that decides which failures are worth waiting out.
 */

/**
 * The store's schema is newer than this build of coflow knows, and the
 * migration that made it so dropped or changed what this build uses.
 */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
  readonly found: number;
  readonly known: number;
  /** The oldest coflow, by the schema version it knows, that can run on this schema. */
  readonly needs: number;
  constructor(where: string, found: number, known: number, needs = found) {
    super(
      `${where} is at schema version ${found}, which needs a coflow that knows schema version ${needs} or later; ` +
        `this coflow knows ${known}: upgrade coflow before using it`,
    );
    this.found = found;
    this.known = known;
    this.needs = needs;
  }
}

/** The store's schema is older than this build of coflow needs: someone has to migrate it first. */
export class SchemaTooOldError extends Error {
  override readonly name = 'SchemaTooOldError';
  readonly found: number;
  readonly needed: number;
  constructor(where: string, found: number, needed: number) {
    const state = found === 0 ? 'has no coflow schema yet' : `is at schema version ${found}`;
    super(`${where} ${state}; this coflow needs schema version ${needed}: run \`coflow migrate\` first`);
    this.found = found;
    this.needed = needed;
  }
}

/** The database stayed unreachable (or kept failing transiently) for longer than the outage budget. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  /** How long the call waited before giving up (ms). */
  readonly waitedMs: number;
  constructor(waitedMs: number, options?: ErrorOptions) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`the store stayed unavailable for ${(waitedMs / 1000).toFixed(1)} s, past its outage budget${cause}`, options);
    this.waitedMs = waitedMs;
  }
}

/**
 * The connection to the database broke (refused, reset, timed out, closed by
 * the server) where the driver says so in words only: the store wraps those
 * failures in this type so that they can be told apart by type.
 */
export class ConnectionLostError extends Error {
  override readonly name = 'ConnectionLostError';
  constructor(options: ErrorOptions & { cause: unknown }) {
    super(`lost the connection to the database: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
  }
}

/** A call on a store that was closed. */
export class StoreClosedError extends Error {
  override readonly name = 'StoreClosedError';
  constructor() {
    super('the store is closed');
  }
}

/** A store configuration that cannot work; the message names the field. */
export class StoreConfigError extends Error {
  override readonly name = 'StoreConfigError';
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`store configuration: ${field} ${problem}`);
    this.field = field;
  }
}

/** A stored secret cannot be decrypted with the configured key (COFLOW_SECRETS_KEY changed, or the row was altered). */
export class SecretKeyError extends Error {
  override readonly name = 'SecretKeyError';
  readonly secret: string;
  constructor(secret: string, options?: ErrorOptions) {
    super(`stored secret ${secret} cannot be decrypted with the configured key (COFLOW_SECRETS_KEY changed?)`, options);
    this.secret = secret;
  }
}

/** A secret name that is not letters, digits and `_`. */
export class SecretNameError extends Error {
  override readonly name = 'SecretNameError';
  readonly secret: string;
  constructor(secret: string) {
    super(`"${secret}" is not a secret name (letters, digits and _, not starting with a digit)`);
    this.secret = secret;
  }
}
