/**
 * The normalised flow model: what the parser produces and what a run pins.
 *
 * Pure data, JSON-serialisable, no I/O: this module is imported by workflow
 * code and travels in Temporal payloads.
 */

/** Durations are milliseconds everywhere in the model; 0 means "no limit". */
export type Millis = number;

export type StageType = 'start' | 'normal' | 'pause' | 'end';
export type Sequencing = 'sequence' | 'parallel';

export interface RetryPolicy {
  /** Retries after the first attempt (0 = run once). */
  readonly max: number;
  readonly backoffMs: Millis;
  readonly maxBackoffMs: Millis;
}

export interface Resources {
  /** CPU in millicores ("1" → 1000, "500m" → 500). */
  readonly cpuMillis?: number;
  /** Memory in bytes ("4G" → 4e9, "4Gi" → 4·2^30). */
  readonly memoryBytes?: number;
}

/** A ContainerOps data link: env var `env` receives output `output` of job `from`. */
export interface Subscription {
  /** Job path `stage.action.job` of the producing job. */
  readonly from: string;
  readonly output: string;
  readonly env: string;
}

/** A reference to a catalog component, e.g. `library/shell@1`. */
export interface ComponentRef {
  readonly namespace: string;
  readonly name: string;
  /** Version constraint as written: `1`, `1.2`, `1.2.3`. */
  readonly version: string;
}

/** `repeat`: run the job again and again (7x24 scenarios) until a bound is reached. */
export interface RepeatSpec {
  /** Interval between the starts of two repetitions. */
  readonly everyMs: Millis;
  /** Stop starting repetitions this long after the first one started; 0 = no bound. */
  readonly forMs: Millis;
  /** At most this many repetitions; 0 = no bound. */
  readonly count: number;
  /** Stop starting repetitions at this instant (ISO 8601); absent = no bound. */
  readonly until?: string;
}

/** The approval gate of a `pause` stage. */
export interface ApprovalSpec {
  /** User names, and roles written `role:<name>`; empty = any operator. */
  readonly approvers: readonly string[];
  /** Approvals needed to pass the gate. */
  readonly required: number;
  /** The user who started the run may not approve it. */
  readonly forbidSelfApproval: boolean;
  /** 0 = wait for ever. */
  readonly timeoutMs: Millis;
  readonly onTimeout: 'reject' | 'approve';
}

export type OnLimit = 'queue' | 'cancel-previous' | 'reject';

/** `concurrency`: how many runs of a flow may be open at once, and what happens past that. */
export interface ConcurrencySpec {
  readonly max: number;
  readonly onLimit: OnLimit;
}

export interface JobSpec {
  readonly name: string;
  /** `stage.action.job`, unique in the flow. */
  readonly path: string;
  readonly title?: string;
  /** Job kind; only container jobs (`component`) in this version. */
  readonly kind: 'component';
  /** Raw image (`endpoint`), or the image a `component` resolved to when the run started. */
  readonly image?: string;
  readonly component?: ComponentRef;
  /** Shell script run with `/bin/sh -c` instead of the image entrypoint. */
  readonly script?: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly inputs: Readonly<Record<string, string>>;
  /** Job environments merged over flow environments. */
  readonly environments: Readonly<Record<string, string>>;
  readonly outputs: readonly string[];
  readonly subscriptions: readonly Subscription[];
  /** Per-attempt timeout; 0 = no limit. */
  readonly timeoutMs: Millis;
  readonly retries: RetryPolicy;
  readonly resources: Resources;
  readonly allowFailure: boolean;
  readonly workspace: boolean;
  readonly repeat?: RepeatSpec;
  /**
   * ContainerOps' `kubectl`: path of a Pod manifest used as the template for the
   * kubernetes runner. A job may give only this (no `endpoint`): the image is then in the manifest.
   */
  readonly kubectl?: string;
}

export interface ActionSpec {
  readonly name: string;
  readonly title?: string;
  readonly jobs: readonly JobSpec[];
}

export interface StageSpec {
  readonly name: string;
  readonly title?: string;
  readonly type: StageType;
  readonly sequencing: Sequencing;
  readonly actions: readonly ActionSpec[];
  /** Only on `pause` stages; a pause stage without one waits for any operator's approval. */
  readonly approval?: ApprovalSpec;
}

export interface FlowSpec {
  /** `namespace/repository/name`. */
  readonly uri: string;
  readonly title?: string;
  /** Whole-run timeout; 0 = no limit. */
  readonly timeoutMs: Millis;
  readonly environments: Readonly<Record<string, string>>;
  readonly stages: readonly StageSpec[];
  readonly concurrency?: ConcurrencySpec;
}

/** Every job of a flow, in declaration order. */
export function allJobs(flow: FlowSpec): JobSpec[] {
  return flow.stages.flatMap((s) => s.actions.flatMap((a) => a.jobs));
}
