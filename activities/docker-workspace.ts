/**
 * Workspaces on the docker runner: one named Docker volume per run, created on
 * first use (by the first job that mounts it, or a re-run's copy), labelled
 * with the run id, removed by the run's retention workflow.
 */
import type Dockerode from 'dockerode';
import { statusOf } from './errors.ts';
import type { WorkspaceVolumes } from './runner.ts';

/** Label on every workspace volume the runner creates. */
const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'coflow' } as const;

/** Creates the volume unless it exists (Docker answers an existing name with that volume, labels unchanged). */
export async function ensureVolume(docker: Dockerode, name: string, labels: Readonly<Record<string, string>>): Promise<void> {
  await docker.createVolume({ Name: name, Labels: { ...labels, ...MANAGED_BY } });
}

async function removeContainerQuietly(container: Dockerode.Container): Promise<void> {
  try {
    await container.remove({ force: true });
  } catch (err) {
    if (statusOf(err) !== 404 && statusOf(err) !== 409) throw err;
  }
}

export class DockerWorkspaces implements WorkspaceVolumes {
  readonly #docker: Dockerode;

  constructor(docker: Dockerode) {
    this.#docker = docker;
  }

  /**
   * Copies through the Engine's archive API: a helper container (created,
   * never started, so the image needs no shell) mounts both volumes; the tar
   * of `/from/.` is streamed into `/to`, owners and modes kept.
   */
  async copy(from: string, to: string, options: { readonly image: string; readonly labels: Readonly<Record<string, string>> }): Promise<boolean> {
    try {
      await this.#docker.getVolume(from).inspect();
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw err;
    }
    await ensureVolume(this.#docker, to, options.labels);
    const name = `${to}-copy`;
    // A retried copy starts over with a fresh helper.
    await removeContainerQuietly(this.#docker.getContainer(name));
    const helper = await this.#docker.createContainer({
      name,
      Image: options.image,
      Labels: { ...options.labels, ...MANAGED_BY },
      HostConfig: {
        Mounts: [
          { Type: 'volume', Source: from, Target: '/from', ReadOnly: true },
          { Type: 'volume', Source: to, Target: '/to' },
        ],
      },
    });
    try {
      const tar = await helper.getArchive({ path: '/from/.' });
      await helper.putArchive(tar, { path: '/to' });
    } finally {
      await removeContainerQuietly(helper);
    }
    return true;
  }

  async remove(volume: string): Promise<void> {
    try {
      await this.#docker.getVolume(volume).remove();
    } catch (err) {
      // 409: still in use (a container left behind): thrown, so the activity retries later.
      if (statusOf(err) !== 404) throw err;
    }
  }
}
