/**
 * Configuration of run workspaces (SPEC §2): how long they are kept after a
 * run ends, and how the kubernetes runner claims them. Read by loadConfig.
 */
import { DEFAULT_WORKSPACE_RETENTION_MS } from '../contracts/workspace.ts';
import { parseDuration } from '../flow/duration.ts';
import { choiceList } from '../flow/suggest.ts';
import { ConfigError } from './errors.ts';
import { WORKSPACE_ACCESS_MODES, type WorkspaceClaimSettings } from '../activities/kubernetes-workspace.ts';

export type { WorkspaceClaimSettings };


export interface WorkspaceConfig {
  /** COFLOW_WORKSPACE_RETENTION: how long a run's workspace is kept after the run ends. Default 24h. */
  readonly workspaceRetentionMs: number;
}

export function loadWorkspaceConfig(env: NodeJS.ProcessEnv): WorkspaceConfig {
  const raw = env.COFLOW_WORKSPACE_RETENTION;
  if (raw === undefined || raw === '') return { workspaceRetentionMs: DEFAULT_WORKSPACE_RETENTION_MS };
  let ms: number;
  try {
    ms = parseDuration(raw);
  } catch (err) {
    throw new ConfigError(`COFLOW_WORKSPACE_RETENTION: ${(err as Error).message}`);
  }
  if (ms <= 0) throw new ConfigError(`COFLOW_WORKSPACE_RETENTION must be a positive duration (e.g. 24h), got "${raw}"`);
  return { workspaceRetentionMs: ms };
}

// A Kubernetes quantity (binary or decimal suffix), as a PVC's storage request takes it.
const QUANTITY = /^[0-9]+(?:\.[0-9]+)?(?:Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

/** COFLOW_K8S_WORKSPACE_STORAGE_CLASS (unset: the default class), COFLOW_K8S_WORKSPACE_SIZE (1Gi), COFLOW_K8S_WORKSPACE_ACCESS_MODE (ReadWriteOnce). */
export function loadWorkspaceClaimSettings(env: NodeJS.ProcessEnv): WorkspaceClaimSettings {
  const size = env.COFLOW_K8S_WORKSPACE_SIZE || '1Gi';
  if (!QUANTITY.test(size)) throw new ConfigError(`COFLOW_K8S_WORKSPACE_SIZE must be a Kubernetes quantity such as 1Gi or 500Mi, got "${size}"`);
  const rawMode = env.COFLOW_K8S_WORKSPACE_ACCESS_MODE || 'ReadWriteOnce';
  const accessMode = WORKSPACE_ACCESS_MODES.find((m) => m === rawMode);
  if (accessMode === undefined) throw new ConfigError(`COFLOW_K8S_WORKSPACE_ACCESS_MODE must be ${choiceList(WORKSPACE_ACCESS_MODES)}, got "${rawMode}"`);
  return { ...(env.COFLOW_K8S_WORKSPACE_STORAGE_CLASS ? { storageClass: env.COFLOW_K8S_WORKSPACE_STORAGE_CLASS } : {}), size, accessMode };
}
