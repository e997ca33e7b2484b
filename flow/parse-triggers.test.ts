import { describe, expect, it } from 'vitest';
import { parseFlow, validateFlow } from './parse.ts';

const flow = (triggers: string): string => `uri: a/b/c
triggers:
${triggers}
stages:
  - name: s
    actions: [ { name: a, jobs: [ { name: j, endpoint: "x:1" } ] } ]
`;

describe('triggers in the model', () => {
  it('carries every kind, normalised, with filters and secrets', () => {
    const spec = parseFlow(flow(`  - github: { events: [push, pull_request], branches: [main, "release/*"], secret: github-hook }
  - gitlab: { events: [tag_push], tags: ["v*"], secret: gitlab-hook }
  - gitea: { paths: ["docs/**"], secret: gitea-hook }
  - webhook: { secret: generic-hook }
  - schedule: { cron: "0 3 * * *", timezone: Europe/Brussels }
  - schedule: { cron: "@hourly" }`));
    expect(spec.triggers).toEqual([
      { kind: 'github', events: ['push', 'pull_request'], branches: ['main', 'release/*'], tags: [], paths: [], secret: 'github-hook' },
      { kind: 'gitlab', events: ['tag_push'], branches: [], tags: ['v*'], paths: [], secret: 'gitlab-hook' },
      { kind: 'gitea', events: [], branches: [], tags: [], paths: ['docs/**'], secret: 'gitea-hook' },
      { kind: 'webhook', events: [], branches: [], tags: [], paths: [], secret: 'generic-hook' },
      { kind: 'schedule', cron: '0 3 * * *', timezone: 'Europe/Brussels' },
      { kind: 'schedule', cron: '@hourly', timezone: 'UTC' },
    ]);
  });

  it('accepts the one-map form and leaves `triggers` out of flows without', () => {
    expect(parseFlow(flow('  github: { secret: s }')).triggers).toEqual([{ kind: 'github', events: [], branches: [], tags: [], paths: [], secret: 's' }]);
    expect('triggers' in parseFlow(flow('  []'))).toBe(false);
  });

  it('requires a secret for every webhook trigger', () => {
    const r = validateFlow(flow('  - gitea: { branches: [main] }\n  - webhook:'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'triggers[0].gitea.secret: a gitea trigger needs a "secret" (the name of the secret that signs its deliveries)',
      'triggers[1].webhook: a webhook trigger needs a "secret" (the name of the secret that signs its deliveries)',
    ]);
  });
});
