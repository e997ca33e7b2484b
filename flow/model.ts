/**
 * The normalised flow model: what the parser produces and what a run pins.
 *
 * Pure data, JSON-serialisable, no I/O: this module is imported by workflow
 * code and travels in Temporal payloads.
 */

/** Durations are milliseconds everywhere in the model; 0 means "no limit". */
export type Millis = number;

/** The stage types a flow may declare (`type:`); `normal` when none is given. */
export const STAGE_TYPES = ['start', 'normal', 'pause', 'end'] as const;
export type StageType = (typeof STAGE_TYPES)[number];

/** How a stage runs its actions. */
export const SEQUENCINGS = ['sequence', 'parallel'] as const;
export type Sequencing = (typeof SEQUENCINGS)[number];

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

/** When a job's image is pulled (Kubernetes' `imagePullPolicy`, honoured by both runners). */
export const IMAGE_PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;
export type ImagePullPolicy = (typeof IMAGE_PULL_POLICIES)[number];

/** Job fields that a component's catalog entry fills in when the flow file leaves them out. */
export const COMPONENT_DEFAULTED_FIELDS = ['timeout', 'retries', 'cpu', 'memory'] as const;
export type ComponentDefaultedField = (typeof COMPONENT_DEFAULTED_FIELDS)[number];

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
  readonly onTimeout: ApprovalTimeoutOutcome;
}

/** What an approval gate does when its timeout passes. */
export const APPROVAL_TIMEOUT_OUTCOMES = ['reject', 'approve'] as const;
export type ApprovalTimeoutOutcome = (typeof APPROVAL_TIMEOUT_OUTCOMES)[number];

export const ON_LIMIT = ['queue', 'cancel-previous', 'reject'] as const;
export type OnLimit = (typeof ON_LIMIT)[number];

/** `concurrency`: how many runs of a flow may be open at once, and what happens past that. */
export interface ConcurrencySpec {
  readonly max: number;
  readonly onLimit: OnLimit;
}

/** Waiting for the called system to call back (SPEC §2 `service` jobs). */
export interface ServiceCallback {
  /** How long an attempt waits for the callback, counted from its start (the call included); always > 0. */
  readonly timeoutMs: Millis;
}

/**
 * A `service` job's HTTP call. `url`, header values and `body` may hold
 * `${{ }}`: the workflow renders them before the attempts, except
 * `secrets.*` and `callback.url`, which only the activity resolves.
 */
export interface ServiceSpec {
  readonly url: string;
  /** Upper case: GET, POST (the default), PUT, PATCH, DELETE, HEAD, OPTIONS. */
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Present when the job waits for the system to call back. */
  readonly callback?: ServiceCallback;
}

/** How a `deploy` job rolls out a new version (docs/deploy-jobs.md). */
export const DEPLOY_STRATEGIES = ['rolling', 'blue-green', 'canary'] as const;
export type DeployStrategyName = (typeof DEPLOY_STRATEGIES)[number];

/**
 * `blue-green`: the workloads are rendered under a colour suffix (`-blue`,
 * `-green`) with a colour label and selector; the named Service's selector is
 * switched to the new colour once it is ready.
 */
export interface BlueGreenSpec {
  /** The Service (in the manifest or already in the cluster) whose selector follows the live colour. */
  readonly service: string;
  /** How long the old colour keeps its replicas after the switch (instant rollback until then); 0 = scaled down at once. */
  readonly scaleDownAfterMs: Millis;
}

/** One `canary` step: a share of the replicas on the new version, then a pause or an approval. */
export interface CanaryStep {
  /** Percent of the replicas on the new version, 1–100 (100 = fully promoted). */
  readonly weight: number;
  /** Wait this long before the next step (absent when the step waits for an approval). */
  readonly pauseMs?: Millis;
  /** Wait for an approval to go on (or a rejection, which rolls the canary back). */
  readonly approval?: boolean;
}

export interface CanarySpec {
  /** In order; the last step is followed by the full promotion. */
  readonly steps: readonly CanaryStep[];
}

/** Where a deploy job's manifest template comes from: exactly one of the two. */
export type DeployManifestSource =
  /** YAML (one or more documents) written in the flow; may hold `${{ }}`. */
  | { readonly inline: string }
  /**
   * A path in the run's workspace that earlier jobs left: a YAML file, a folder of
   * `.yaml`/`.yml` files, or a folder with a `kustomization.yaml` (rendered with kustomize).
   */
  | { readonly file: string };

/** A `type: deploy` job (SPEC §2): render a manifest for an environment, apply it, wait for the rollout. */
export interface DeploySpec {
  /** Name of an environment declared for the flow's namespace. */
  readonly environment: string;
  /** The application deployed; default: the repository part of the flow's uri. */
  readonly application: string;
  readonly manifest: DeployManifestSource;
  readonly strategy: DeployStrategyName;
  /** Present exactly when `strategy` is `blue-green`. */
  readonly blueGreen?: BlueGreenSpec;
  /** Present exactly when `strategy` is `canary`. */
  readonly canary?: CanarySpec;
}

/**
 * `deployment:` on a container or service job: the job deploys by itself (a
 * component running kubectl, a call to Spinnaker or Jenkins), and coflow
 * records each of its attempts as a deployment of that pair.
 */
export interface DeploymentMark {
  readonly environment: string;
  readonly application: string;
}

/** What a failed deploy job does (`onFailure:`): `rollback` re-applies the pair's last successful deployment. */
export const DEPLOY_ON_FAILURE = ['rollback'] as const;
export type DeployOnFailure = (typeof DEPLOY_ON_FAILURE)[number];

export interface JobSpec {
  readonly name: string;
  /** `stage.action.job`, unique in the flow. */
  readonly path: string;
  readonly title?: string;
  /**
   * Job kind: a container (`component`/`endpoint`), an HTTP call to another
   * system (`service`), or a Kubernetes deployment coflow performs (`deploy`).
   */
  readonly kind: 'component' | 'service' | 'deploy';
  /** The HTTP call of a `service` job (absent on other jobs). */
  readonly service?: ServiceSpec;
  /** The deployment of a `deploy` job (absent on other jobs). */
  readonly deploy?: DeploySpec;
  /** On `component` and `service` jobs: each attempt is recorded as a deployment of this pair. */
  readonly deployment?: DeploymentMark;
  /** On `deploy` jobs: what a failed deployment does. */
  readonly onFailure?: DeployOnFailure;
  /** Raw image (`endpoint`), or the image a `component` resolved to when the run started. */
  readonly image?: string;
  readonly component?: ComponentRef;
  /**
   * On `component` jobs: the fields the flow file left out, which the component's
   * catalog defaults fill in when the run starts (absent on specs stored before: nothing is filled).
   */
  readonly omitted?: readonly ComponentDefaultedField[];
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
  /** `if:` condition (an expression, `${{ }}` optional); the job is skipped when it is false. */
  readonly if?: string;
  /** Lua hook run once before the first attempt; may rewrite `inputs`. */
  readonly pre?: string;
  /** Lua hook run after a successful attempt; may rewrite `outputs` or fail the attempt with error(). */
  readonly post?: string;
  /**
   * ContainerOps' `kubectl`: a Pod manifest used as the base of the job's Pod on the
   * kubernetes runner (docs/pod-templates.md): the path or URL as written, or `inline` when
   * the manifest is in the flow. A job may give only this (no `endpoint`): the image is then
   * the manifest's first container's.
   */
  readonly kubectl?: string;
  /**
   * The `kubectl` Pod manifest's YAML, checked: `coflow apply` (or the API, for a URL) writes a
   * path's or URL's content into the flow before it is stored, so it is stored with the version.
   */
  readonly podTemplate?: string;
  /** When the runner pulls the job's image; absent: the worker's default (`IfNotPresent`). */
  readonly imagePullPolicy?: ImagePullPolicy;
}

export interface ActionSpec {
  readonly name: string;
  readonly title?: string;
  /** `if:` condition; the action's jobs are skipped when it is false. */
  readonly if?: string;
  readonly jobs: readonly JobSpec[];
}

export interface StageSpec {
  readonly name: string;
  readonly title?: string;
  readonly type: StageType;
  readonly sequencing: Sequencing;
  readonly actions: readonly ActionSpec[];
  /** `if:` condition; the stage is skipped when it is false. */
  readonly if?: string;
  /** Only on `pause` stages; a pause stage without one waits for any operator's approval. */
  readonly approval?: ApprovalSpec;
}

/** Git hosting that sends signed webhooks; `webhook` is the generic HMAC webhook. */
export const HOOK_KINDS = ['github', 'gitlab', 'gitea', 'webhook'] as const;
export type HookKind = (typeof HOOK_KINDS)[number];

/** The trigger kinds a flow file may declare under `triggers:`. */
export const FLOW_TRIGGER_KINDS = [...HOOK_KINDS, 'schedule'] as const;

/** A webhook trigger with its filters (globs; empty list = no filter on that field). */
export interface HookTrigger {
  readonly kind: HookKind;
  /** Normalised event names (push, tag, pull_request, release, …); empty = every event. */
  readonly events: readonly string[];
  readonly branches: readonly string[];
  readonly tags: readonly string[];
  readonly paths: readonly string[];
  /** Name of the secret that signs deliveries. */
  readonly secret?: string;
  /** `report:` — commit statuses sent back to the forge the run came from (not on the generic `webhook`). */
  readonly report?: StatusReportSpec;
  /**
   * `skipCi:` — false runs even when the commit message (push) or the pull request's title says `[skip ci]`
   * or `[ci skip]`; absent or true: such a delivery is acknowledged without a run.
   */
  readonly skipCi?: boolean;
  /**
   * `forkSecrets:` — true gives secrets to runs of pull requests from forks (GitHub's `pull_request_target`
   * trust); absent or false: their jobs cannot read secrets.
   */
  readonly forkSecrets?: boolean;
}

/** Forges coflow reports commit statuses to. */
export const REPORT_FORGES = ['github', 'gitlab', 'gitea'] as const;
export type ReportForge = (typeof REPORT_FORGES)[number];

/** `report:` of a forge trigger (docs/forges.md). */
export interface StatusReportSpec {
  /** `token:` — the stored secret holding the forge API token (GitHub PAT, GitLab token with `api`, Gitea token with `write:repository`). */
  readonly tokenSecret?: string;
  /** `app:` (GitHub only) — a GitHub App: its id and the stored secret with its private key (PEM); adds check runs. */
  readonly app?: { readonly id: string; readonly privateKeySecret: string };
  /**
   * `api:` — the forge's API base URL: GitHub Enterprise `https://ghe.example.com/api/v3`, self-hosted GitLab
   * `https://gitlab.example.com/api/v4`, Gitea `https://gitea.example.com/api/v1`. Default: api.github.com,
   * gitlab.com/api/v4; Gitea has no default (required).
   */
  readonly apiUrl?: string;
  /** `context:` — the status's name; default `coflow/<flow uri>`. */
  readonly context?: string;
  /** `stages: true` — also one status per stage, named `<context>/<stage>`. */
  readonly perStage: boolean;
}

/** A `schedule` trigger: a Temporal Schedule kept in step with the flow. */
export interface ScheduleTrigger {
  readonly kind: 'schedule';
  readonly cron: string;
  /** IANA time zone; `UTC` when the flow gives none. */
  readonly timezone: string;
}

export type TriggerSpec = HookTrigger | ScheduleTrigger;

/** Where a receiver's notifications go (`receivers:`): a Slack incoming webhook, a signed generic webhook, or e-mail. */
export const RECEIVER_TYPES = ['slack', 'webhook', 'mail'] as const;
export type ReceiverType = (typeof RECEIVER_TYPES)[number];

/**
 * What a receiver is told about (`on:`): the run started, succeeded, failed,
 * was cancelled, or waits for an approval; `finish` is any of the three ends.
 */
export const RECEIVER_EVENTS = ['start', 'success', 'failure', 'cancel', 'approval', 'finish', 'deployment'] as const;
export type ReceiverEvent = (typeof RECEIVER_EVENTS)[number];
/** The events of a receiver that names none: what needs someone's attention. */
export const DEFAULT_RECEIVER_EVENTS: readonly ReceiverEvent[] = ['failure', 'approval', 'deployment'];

/** A notification receiver. `address` may hold `${{ secrets.NAME }}`, resolved only by the sending activity. */
export interface ReceiverSpec {
  readonly type: ReceiverType;
  /** A Slack incoming-webhook URL, a webhook URL, or a mail address. */
  readonly address: string;
  /** The events it is told about (never empty: DEFAULT_RECEIVER_EVENTS when the flow names none). */
  readonly on: readonly ReceiverEvent[];
  /** `webhook` only: the name of the secret whose value signs each delivery (HMAC-SHA256). */
  readonly secret?: string;
}

/**
 * A flow input (`inputs:`): a value a person gives when starting a run by hand;
 * expressions read it as `${{ inputs.NAME }}`. Scheduled and webhook runs take the defaults.
 */
export interface FlowInputSpec {
  readonly description?: string;
  /** The value when the run gives none. */
  readonly default?: string;
  /** A run must give a value (never with a default). */
  readonly required: boolean;
  /** The only values allowed, when present. */
  readonly options?: readonly string[];
}

/** Names of flow inputs: what `inputs.NAME` can read plainly. */
export const FLOW_INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export interface FlowSpec {
  /** `namespace/repository/name`. */
  readonly uri: string;
  readonly title?: string;
  /** Whole-run timeout; 0 = no limit. */
  readonly timeoutMs: Millis;
  readonly environments: Readonly<Record<string, string>>;
  readonly stages: readonly StageSpec[];
  readonly concurrency?: ConcurrencySpec;
  /** Present when the flow declares triggers. */
  readonly triggers?: readonly TriggerSpec[];
  /** Present when the flow declares notification receivers. */
  readonly receivers?: readonly ReceiverSpec[];
  /** Present when the flow declares inputs, by name in declaration order. */
  readonly inputs?: Readonly<Record<string, FlowInputSpec>>;
}

/** Every job of a flow, in declaration order. */
export function allJobs(flow: FlowSpec): JobSpec[] {
  return flow.stages.flatMap((s) => s.actions.flatMap((a) => a.jobs));
}
