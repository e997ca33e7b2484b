/**
 * Registry credentials of a job's image, from the stored secrets: one secret
 * per registry host, named `REGISTRY_` + the host (and port) in capitals with
 * every other character turned into `_` (`127.0.0.1:5000` →
 * `REGISTRY_127_0_0_1_5000`, `ghcr.io` → `REGISTRY_GHCR_IO`, Docker Hub →
 * `REGISTRY_DOCKER_IO`). Its value is JSON `{"username": …, "password": …}`
 * or `username:password`. No such secret: the image is pulled anonymously.
 */
import type { SecretResolver } from '../contracts/secrets.ts';
import type { RegistryAuth } from './runner.ts';

/** Docker Hub, where an image without a registry host comes from. */
export const DOCKER_HUB = 'docker.io';

/**
 * The registry host (and port) of an image reference, as Docker reads it: the
 * first path component when it has a `.` or `:` or is `localhost`, else Docker Hub.
 */
export function registryHost(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return DOCKER_HUB;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : DOCKER_HUB;
}

/** The name of the secret holding the credentials for `host`. */
export function registrySecretName(host: string): string {
  return `REGISTRY_${host.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Reads a secret's value as credentials; throws an Error naming the secret (never its value) when it is neither form. */
export function parseRegistryCredentials(value: string, secretName: string): { username: string; password: string } {
  const text = value.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const { username, password } = (parsed ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username === 'string' && username !== '' && typeof password === 'string') return { username, password };
    throw new Error(`secret ${secretName} must be JSON {"username": "…", "password": "…"} or username:password`);
  }
  const colon = text.indexOf(':');
  if (colon <= 0) throw new Error(`secret ${secretName} must be username:password or JSON {"username": "…", "password": "…"}`);
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** The credentials for `image`'s registry, or undefined when no secret names that registry. */
export async function registryAuthFor(image: string, resolve: SecretResolver | undefined): Promise<RegistryAuth | undefined> {
  if (resolve === undefined) return undefined;
  const server = registryHost(image);
  const name = registrySecretName(server);
  const value = await resolve(name);
  if (value === undefined) return undefined;
  return { server, ...parseRegistryCredentials(value, name) };
}
