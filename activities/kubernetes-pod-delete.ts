/** Deleting a helper Pod and waiting until it is gone, so that a retry may create it again under the same name. */
import type { CoreV1Api } from '@kubernetes/client-node';
import { statusOf } from './errors.ts';

/** Deletes the Pod at once (no grace) and waits up to 30 s for it to disappear; a Pod already gone is fine. */
export async function deletePodAndWait(core: CoreV1Api, namespace: string, name: string): Promise<void> {
  try {
    await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
  } catch (err) {
    if (statusOf(err) === 404) return;
    throw err;
  }
  for (let i = 0; i < 120; i++) {
    try {
      await core.readNamespacedPod({ name, namespace });
    } catch (err) {
      if (statusOf(err) === 404) return;
      throw err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
