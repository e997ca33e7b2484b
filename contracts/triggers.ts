/**
 * What started a run, and the normalised event: `trigger` in expressions
 * (`${{ trigger.repo.cloneUrl }}`), the same shape for every forge.
 * Pure data; travels in the run's input.
 */
import { FLOW_TRIGGER_KINDS } from '../flow/model.ts';

/** What can start a run: a flow's triggers (webhooks, schedules), a person (manual), or a re-run. */
export const TRIGGER_KINDS = ['manual', ...FLOW_TRIGGER_KINDS, 'rerun'] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

export interface TriggerRepo {
  /** `owner/name` (GitLab: `group/subgroup/name`). */
  readonly fullName: string;
  /** The repository's web page. */
  readonly url?: string;
  /** HTTPS clone URL. */
  readonly cloneUrl?: string;
  readonly sshUrl?: string;
}

export interface TriggerPullRequest {
  readonly number: number;
  readonly title?: string;
  readonly action?: string;
  /** Branch the change comes from. */
  readonly sourceBranch?: string;
  /** Branch it would merge into. */
  readonly targetBranch?: string;
  readonly url?: string;
  /** True when the change comes from another repository (a fork): its runs get no secrets unless the trigger says `forkSecrets: true`. */
  readonly fromFork?: boolean;
  /** The repository the change comes from (`owner/name`; a fork's name, or the base repository's); absent when the forge does not say (a deleted fork). */
  readonly sourceRepo?: string;
}

export interface TriggerContext {
  readonly kind: TriggerKind;
  /** Normalised event: push, tag, pull_request, release, schedule, manual, or the forge's name for others. */
  readonly event: string;
  /** Who caused it: the token's user, the forge's sender, or `schedule`. */
  readonly actor?: string;
  /** The forge's delivery id (redeliveries carry the same one). */
  readonly deliveryId?: string;
  readonly repo?: TriggerRepo;
  /** Full ref, e.g. `refs/heads/main`. */
  readonly ref?: string;
  readonly branch?: string;
  readonly tag?: string;
  readonly commit?: string;
  readonly author?: string;
  readonly message?: string;
  readonly pullRequest?: TriggerPullRequest;
  /**
   * The pushed commits, oldest first, as the forge's push payload lists them
   * (`commits[].id` and `.timestamp`, normalised to UTC; lead time falls back
   * on them, docs/dora.md). GitLab lists at most 20.
   */
  readonly commits?: readonly { readonly sha: string; readonly committedAt: string }[];
  /** Files touched by the pushed commits (when the forge lists them). */
  readonly changedFiles?: readonly string[];
  /** Schedule: the time the run was due. */
  readonly scheduledAt?: string;
  /** The event's JSON body as received (omitted past 64 KiB). */
  readonly payload?: unknown;
}
