/** Errors of the composition root, matched by the CLI with `instanceof`. */

/** A configuration variable or file is wrong; the message names it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
