import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/activity';
import { parseFlow } from '../flow/index.ts';
import type { JobSpec } from '../flow/model.ts';
import { attemptSecrets, resolveJobSecrets } from '../activities/secrets.ts';
import { secretsRefusal } from './secrets-withheld.ts';

const REASON = 'secrets are not given to runs of pull requests from forks (mallory/shop); set forkSecrets: true on the trigger to allow it';

const jobs = parseFlow(`uri: t/hygiene/jobs
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - { name: one, endpoint: alpine:3, script: 'echo \${{ secrets.API_TOKEN }}' }
          - { name: two, endpoint: alpine:3, environments: [ { A: "\${{ secrets.A }}", B: "\${{ secrets.B }}" } ], script: 'true' }
          - { name: plain, endpoint: alpine:3, script: 'echo \${{ trigger.branch }}' }
`).stages[0]!.actions[0]!.jobs;
const [one, two, plain] = jobs as [JobSpec, JobSpec, JobSpec];

describe('jobs of a run whose secrets are withheld', () => {
  it('refuses jobs naming secrets, and every deploy job, with the reason; others run', () => {
    expect(secretsRefusal(REASON, one)).toBe(`job s.a.one uses secret API_TOKEN: ${REASON}`);
    expect(secretsRefusal(REASON, two)).toBe(`job s.a.two uses secrets A, B: ${REASON}`);
    expect(secretsRefusal(REASON, plain)).toBeUndefined();
    expect(secretsRefusal(REASON, { ...plain, kind: 'deploy' })).toBe(`job s.a.plain deploys with the environment's cluster credentials: ${REASON}`);
    expect(secretsRefusal(undefined, one)).toBeUndefined();
  });

  it('the activities refuse every secret of such a run without retrying; other runs resolve them', async () => {
    const resolver = (name: string): Promise<string | undefined> => Promise.resolve(`value-of-${name}`);
    const refused = await resolveJobSecrets(one, attemptSecrets(REASON, resolver)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({ message: `secret API_TOKEN: ${REASON}`, nonRetryable: true });
    expect((await resolveJobSecrets(one, attemptSecrets(undefined, resolver))).values).toEqual(['value-of-API_TOKEN']);
    expect((await resolveJobSecrets(plain, attemptSecrets(REASON, resolver))).values).toEqual([]);
  });
});
