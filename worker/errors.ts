/** Errors of the composition root, matched by the CLI with `instanceof`. */

/** A configuration variable or file is wrong; the message names it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A payload codec key is malformed, or a payload was encrypted with a key this process does not have. */
export class CodecKeyError extends Error {
  override readonly name = 'CodecKeyError';
}

/** Temporal did not answer within the start-up wait; the message names the address, the namespace and what to check. */
export class TemporalUnreachableError extends Error {
  override readonly name = 'TemporalUnreachableError';
}
