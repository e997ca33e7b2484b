/**
 * Secrets by name (`${{ secrets.NAME }}`, a webhook trigger's `secret:`):
 * one resolver type for every provider (environment, file, the store).
 */

/** Resolves a secret by name; undefined when no provider has it. */
export type SecretResolver = (name: string) => Promise<string | undefined>;

/** A stored secret's name: letters, digits and `_`, not starting with a digit. */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
