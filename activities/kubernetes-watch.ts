/**
 * Follows one Pod by watch: every change is delivered as it happens; a watch
 * that ends (server timeout, connection loss) is resumed from the last
 * resourceVersion, and one that is too old (410 Gone) restarts from a fresh read.
 */
import type { V1Pod, Watch } from '@kubernetes/client-node';

export interface PodWatchOptions {
  readonly watch: Watch;
  /** Reads the Pod now (used after 410 Gone). */
  readonly read: () => Promise<V1Pod>;
  readonly namespace: string;
  readonly name: string;
  /** Changes after this version are delivered. */
  readonly resourceVersion: string;
  /** Called for every new state of the Pod; `deleted` when it disappeared. */
  readonly onPod: (pod: V1Pod, deleted: boolean) => void;
  /** Called once when the watch cannot be resumed. */
  readonly onError: (err: Error) => void;
}

export interface PodWatch {
  stop(): void;
}

/** Server-side watch timeout: shorter than the client's 30 s idle timeout, so a quiet Pod ends the watch cleanly. */
const WATCH_SECONDS = 20;
/** Consecutive failed (re)connections before giving up. */
const MAX_FAILURES = 10;

interface WatchEvent {
  type: string;
  object: V1Pod & { code?: number; message?: string };
}

/** Starts watching; call `stop()` when done. */
export function watchPod(options: PodWatchOptions): PodWatch {
  const { watch, namespace, name, onPod, onError } = options;
  let resourceVersion = options.resourceVersion;
  let stopped = false;
  let controller: AbortController | undefined;
  let failures = 0;
  let gone = false;

  const fail = (err: Error): void => {
    if (!stopped) {
      stopped = true;
      onError(err);
    }
  };

  const connect = async (): Promise<void> => {
    if (stopped) return;
    if (gone) {
      // Our version is too old to resume from: read the Pod, then watch from its version.
      gone = false;
      try {
        const pod = await options.read();
        resourceVersion = pod.metadata?.resourceVersion ?? '0';
        onPod(pod, false);
      } catch (err) {
        return retry(err as Error);
      }
    }
    let sawEvent = false;
    try {
      controller = await watch.watch(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
        { fieldSelector: `metadata.name=${name}`, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: WATCH_SECONDS },
        (type: string, object: WatchEvent['object']) => {
          if (stopped) return;
          sawEvent = true;
          failures = 0;
          if (type === 'ERROR') {
            if (object.code === 410) gone = true;
            return;
          }
          const version = object.metadata?.resourceVersion;
          if (version !== undefined) resourceVersion = version;
          if (type !== 'BOOKMARK') onPod(object, type === 'DELETED');
        },
        (err: unknown) => {
          if (stopped) return;
          if (err === null || err === undefined || sawEvent || isTimeout(err)) {
            void connect();
          } else {
            void retry(err as Error);
          }
        },
      );
      if (stopped) controller.abort();
    } catch (err) {
      await retry(err as Error);
    }
  };

  const retry = async (err: Error): Promise<void> => {
    failures++;
    if (failures >= MAX_FAILURES) return fail(new Error(`watching pod ${namespace}/${name} failed ${failures} times: ${err.message}`, { cause: err }));
    await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** failures, 5_000)));
    await connect();
  };

  void connect();
  return {
    stop() {
      stopped = true;
      controller?.abort();
    },
  };
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}
