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

/** One way a job uses a component that the component cannot take. */
export interface ComponentUseProblem {
  /** The job's path `stage.action.job`. */
  readonly job: string;
  readonly message: string;
}

/** Jobs that give a component inputs it does not declare, leave out required ones, or put a secret input in the flow's text. */
export class ComponentUseError extends Error {
  override readonly name = 'ComponentUseError';
  readonly problems: readonly ComponentUseProblem[];
  constructor(problems: readonly ComponentUseProblem[]) {
    super(problems.map((p) => `job ${p.job}: ${p.message}`).join('\n'));
    this.problems = problems;
  }
}
