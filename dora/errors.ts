/** Errors of the DORA module: a query that names something wrong (the API answers 422). */

export class DoraQueryError extends Error {
  override readonly name = 'DoraQueryError';
  /** The query field at fault: `since`, `until`, `environment`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}
