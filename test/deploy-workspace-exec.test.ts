/**
 * `file:` manifests of deploy jobs on the docker runner: the helper container
 * (coflow/kubectl) mounts the run's workspace volume and reads a file, a
 * folder and a kustomization; it is removed afterwards; a run without a
 * workspace volume is a clear error.
 */
import Dockerode from 'dockerode';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ensureVolume } from '../activities/docker-workspace.ts';
import { DockerWorkspaceExec } from '../activities/deploy/docker-workspace-exec.ts';
import { DEFAULT_HELPER_IMAGE } from '../activities/deploy/engine.ts';
import { readWorkspaceManifest } from '../activities/deploy/manifest-source.ts';
import { workspaceVolume } from '../activities/workspace-name.ts';
import { MANIFEST_CASES, WRITE_MANIFESTS } from './support/deploy-manifest-files.ts';

const docker = new Dockerode();
const RUN = `deploy-exec-${process.pid}`;
const volume = workspaceVolume(RUN);
const exec = new DockerWorkspaceExec({ docker, image: DEFAULT_HELPER_IMAGE });

beforeAll(async () => {
  await ensureVolume(docker, volume, { 'coflow.run': RUN });
  const fill = await docker.createContainer({ Image: 'coflow/busybox:1', Entrypoint: ['sh', '-c', WRITE_MANIFESTS], HostConfig: { Mounts: [{ Type: 'volume', Source: volume, Target: '/workspace' }] } });
  await fill.start();
  expect((await fill.wait()) as { StatusCode: number }).toMatchObject({ StatusCode: 0 });
  await fill.remove();
});
afterAll(async () => {
  await docker.getVolume(volume).remove().catch(() => undefined);
});

it('reads a file, a folder of YAML files and a kustomization from the workspace volume, and leaves no container', async () => {
  for (const { file, names } of MANIFEST_CASES) {
    const text = await readWorkspaceManifest(exec, RUN, 'acme/shop/deploy', file);
    const objects = parseAllDocuments(text).map((d) => d.toJS() as { metadata?: { name: string } } | null).filter((o) => o !== null);
    expect(objects.map((o) => o.metadata?.name), file).toEqual(names);
  }
  await expect(readWorkspaceManifest(exec, RUN, 'acme/shop/deploy', 'deploy/none')).rejects.toThrow("no file or folder deploy/none in the run's workspace");
  expect(await docker.listContainers({ all: true, filters: { label: [`coflow.run=${RUN}`] } })).toEqual([]);
  await expect(exec.exec('no-such-run', 'acme/shop/deploy', ['true'])).rejects.toThrow(/the workspace of run no-such-run is gone/);
});
