/** Errors of the component catalog, matched by callers with `instanceof`. */

/** A job names a component (`namespace/name@version`) the catalog does not hold. */
export class ComponentNotFoundError extends Error {
  override readonly name = 'ComponentNotFoundError';
  readonly ref: string;
  readonly jobPath: string;
  constructor(ref: string, jobPath: string) {
    super(`job ${jobPath}: component ${ref} is not in the catalog`);
    this.ref = ref;
    this.jobPath = jobPath;
  }
}

/** A `component.yaml` that lacks a required field. */
export class ComponentDefinitionError extends Error {
  override readonly name = 'ComponentDefinitionError';
  readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.file = file;
  }
}
