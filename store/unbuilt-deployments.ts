/**
 * TEMPORARY (issue 13 foundation): the environment, deployment and incident
 * parts of the store until their SQLite and PostgreSQL tables land. Every
 * call fails loudly; this file is deleted by the store part of issue 13.
 */
import type { DeploymentStore, EnvironmentStore, IncidentStore } from './store.ts';

type Parts = EnvironmentStore & DeploymentStore & IncidentStore;

export function unbuiltDeploymentParts(): Parts {
  const fail = (): Promise<never> => Promise.reject(new Error('deployment records are not built yet (issue 13 foundation)'));
  return {
    applyEnvironments: fail,
    getEnvironments: fail,
    listEnvironments: fail,
    startDeployment: fail,
    finishDeployment: fail,
    getDeployment: fail,
    listDeployments: fail,
    lastSuccessfulDeployment: fail,
    joinDeployQueue: fail,
    leaveDeployQueue: fail,
    deployQueue: fail,
    openIncident: fail,
    resolveIncident: fail,
    resolveIncidentByKey: fail,
    getIncident: fail,
    listIncidents: fail,
  };
}
