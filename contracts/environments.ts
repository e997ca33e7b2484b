/**
 * Environments (issue 13, docs/deploy-jobs.md): declared once per coflow
 * namespace (the first part of a flow's uri) in an environments file, stored
 * with its versions, read by flow validation and by deploy jobs. Pure data.
 */

export {
  ENVIRONMENT_TIERS,
  defaultApplication,
  flowNamespace,
  type EnvironmentCluster,
  type EnvironmentProtection,
  type EnvironmentSpec,
  type EnvironmentsSpec,
  type EnvironmentTier,
} from '../flow/environments.ts';
import type { EnvironmentsSpec } from '../flow/environments.ts';

export interface StoredEnvironments {
  readonly namespace: string;
  /** 1, 2, …: a new version when the source changed. */
  readonly version: number;
  readonly source: string;
  readonly spec: EnvironmentsSpec;
  readonly createdAt: string;
}
