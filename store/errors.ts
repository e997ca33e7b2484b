/**
 * Errors of the store layer, with readonly data and a stable `name`. Callers
 * match them with `instanceof`.
 */

/** The store's schema is newer than this build of coflow knows: running on it could lose data. */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
  readonly found: number;
  readonly known: number;
  constructor(where: string, found: number, known: number) {
    super(`${where} is at schema version ${found}, newer than this coflow knows (${known}): upgrade coflow before using it`);
    this.found = found;
    this.known = known;
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
