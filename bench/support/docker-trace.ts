/**
 * A debug timing around the Docker Engine API calls a runner makes: wraps a
 * dockerode client's `modem.dial` and records, per call, when it was sent and
 * when its answer came back (for a stream — a followed log — when the stream
 * began). Benchmarks only: the runner's code is unchanged by it.
 */
import Dockerode from 'dockerode';

export interface DockerCall {
  /** What the call does: create, start, inspect, logs (follow), wait, remove, image inspect, ... */
  readonly what: string;
  /** ms epoch (sub-ms) when the request was sent and when its answer (or stream) arrived. */
  readonly sent: number;
  answered: number;
}

const now = (): number => performance.timeOrigin + performance.now();

/** Short name of an Engine API call from its method and path. */
export function callName(method: string, path: string): string {
  const [bare = '', query = ''] = path.split('?');
  const parts = bare.split('/').filter(Boolean);
  if (parts[0] === 'images') return `image ${parts.at(-1) === 'json' ? 'inspect' : parts.at(-1)}`;
  if (parts[0] === 'containers' && parts[1] === 'create') return 'create';
  if (parts[0] === 'containers' && method === 'DELETE') return 'remove';
  if (parts[0] === 'containers') {
    const op = parts[2] ?? parts[1] ?? '';
    const name = op === 'json' ? 'inspect' : op;
    return name === 'logs' && /follow=true/.test(query) ? 'logs (follow)' : name;
  }
  return `${method} /${parts.join('/')}`;
}

/** A dockerode client on `socketPath` that appends every call it makes to `calls`. */
export function tracedDocker(socketPath: string, calls: DockerCall[]): Dockerode {
  const docker = new Dockerode({ socketPath });
  const modem = docker.modem as unknown as { dial(options: { path: string; method: string }, callback: (...args: unknown[]) => void): unknown };
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => {
    const call: DockerCall = { what: callName(options.method, options.path), sent: now(), answered: Number.NaN };
    calls.push(call);
    return dial(options, (...args: unknown[]) => {
      call.answered = now();
      callback(...args);
    });
  };
  return docker;
}
