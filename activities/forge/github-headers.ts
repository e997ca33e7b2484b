/** The headers of every GitHub REST call (github.com and GitHub Enterprise Server). */

import { USER_AGENT } from './http.ts';

export function githubHeaders(authorization: string): Record<string, string> {
  return { Authorization: authorization, Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28', 'User-Agent': USER_AGENT };
}
