/**
 * The store side of deployments for the run workflow (issue 13): the target
 * environment, the pair's queue (one deployment at a time per environment
 * and application), and the deployment records. Small, store-backed
 * activities; the workflow decides the order (workflows/deploy.ts).
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { DeploymentEnd, DeploymentRecord, DeployTurn, NewDeployment } from '../contracts/deployments.ts';
import type { EnvironmentSpec } from '../contracts/environments.ts';
import type { DeploymentStore, EnvironmentStore } from '../store/store.ts';

export interface DeployRecordDeps {
  readonly store: DeploymentStore & EnvironmentStore;
  /** Asked whether the workflow of a holder ahead in a queue still runs. */
  readonly temporal: Client;
  /** How often a queued deployment looks again (ms). */
  readonly pollMs?: number;
}

export interface QueuePlace {
  readonly key: string;
  readonly holder: string;
  readonly workflowId: string;
}

export interface PairRef {
  readonly namespace: string;
  readonly environment: string;
  readonly application: string;
  readonly beforeId?: number;
}

export interface EnvironmentLookup {
  readonly env?: EnvironmentSpec;
  /** The names declared for the namespace (for the error when `env` is absent). */
  readonly declared: readonly string[];
  /** Whether the namespace has an environments file at all. */
  readonly applied: boolean;
}

export function createDeployRecordActivities(deps: DeployRecordDeps) {
  const { store, temporal, pollMs = 1_000 } = deps;

  async function workflowEnded(workflowId: string): Promise<boolean> {
    try {
      const d = await temporal.workflow.getHandle(workflowId).describe();
      return d.status.name !== 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return true;
      throw err;
    }
  }

  /** The queue after giving up the turns ahead of `holder` whose workflow has ended. */
  async function pruneAhead(p: QueuePlace, queue: DeployTurn[]): Promise<DeployTurn[]> {
    let q = queue;
    for (const turn of queue) {
      if (turn.holder === p.holder) break;
      if (turn.workflowId !== p.workflowId && (await workflowEnded(turn.workflowId))) {
        await store.leaveDeployQueue(p.key, turn.holder);
        q = q.filter((t) => t.holder !== turn.holder);
      }
    }
    return q;
  }

  return {
    async loadEnvironment(req: { namespace: string; environment: string }): Promise<EnvironmentLookup> {
      const stored = await store.getEnvironments(req.namespace);
      const envs = stored?.spec.environments ?? [];
      const env = envs.find((e) => e.name === req.environment);
      return { ...(env ? { env } : {}), declared: envs.map((e) => e.name), applied: stored !== undefined };
    },

    /** Joins the pair's queue; returns the holders ahead (empty: its turn now). */
    async joinDeployQueue(p: QueuePlace): Promise<string[]> {
      const queue = await pruneAhead(p, await store.joinDeployQueue(p.key, { holder: p.holder, workflowId: p.workflowId, since: new Date().toISOString() }));
      return queue.slice(0, Math.max(0, queue.findIndex((t) => t.holder === p.holder))).map((t) => t.holder);
    },

    /** Waits, heartbeating, until `holder` is first in the pair's queue (it must have joined). */
    async waitForDeployTurn(p: QueuePlace): Promise<void> {
      const ctx = Context.current();
      for (;;) {
        const queue = await pruneAhead(p, await store.deployQueue(p.key));
        const at = queue.findIndex((t) => t.holder === p.holder);
        if (at < 0) throw new Error(`${p.holder} is not in the deployment queue of ${p.key}`);
        if (at === 0) return;
        ctx.heartbeat({ behind: queue[0]!.holder });
        await ctx.sleep(pollMs);
      }
    },

    async leaveDeployQueue(p: QueuePlace): Promise<boolean> {
      return store.leaveDeployQueue(p.key, p.holder);
    },

    async startDeploymentRecord(d: NewDeployment): Promise<DeploymentRecord> {
      return store.startDeployment(d);
    },

    async finishDeploymentRecord(req: { id: number; end: DeploymentEnd }): Promise<DeploymentRecord> {
      return store.finishDeployment(req.id, req.end);
    },

    async getDeploymentRecord(id: number): Promise<DeploymentRecord | undefined> {
      return store.getDeployment(id);
    },

    async lastSuccessfulDeploymentRecord(p: PairRef): Promise<DeploymentRecord | undefined> {
      return store.lastSuccessfulDeployment(p.namespace, p.environment, p.application, p.beforeId);
    },
  };
}

export type DeployRecordActivities = ReturnType<typeof createDeployRecordActivities>;
