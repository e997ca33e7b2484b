/** Public API of the flow language: parse, validate, and the normalised model. */
export { parseFlow, parseFlowWithWarnings, validateFlow } from './parse.ts';
export type { FlowValidation, ParseFlowOptions, ValidateFlowOptions } from './parse.ts';
export { EnvironmentsValidationError, parseEnvironments, validateEnvironments } from './parse-environments.ts';
export { FlowValidationError, InvalidDurationError, InvalidQuantityError, formatFlowIssue } from './errors.ts';
export type { FlowIssue } from './errors.ts';
export { formatDuration, parseDuration } from './duration.ts';
export { parseCpu, parseMemory } from './resources.ts';
export { jobPath, resolveJobRef, splitJobPath } from './paths.ts';
export type { JobRefResolution } from './paths.ts';
export { allJobs } from './model.ts';
export type {
  ActionSpec,
  ComponentRef,
  FlowSpec,
  JobSpec,
  Millis,
  Resources,
  RetryPolicy,
  Sequencing,
  ServiceCallback,
  ServiceSpec,
  StageSpec,
  StageType,
  Subscription,
} from './model.ts';
