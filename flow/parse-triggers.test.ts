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

describe('report, skipCi and forkSecrets on forge triggers', () => {
  const issues = (triggers: string): string[] => {
    const r = validateFlow(flow(triggers));
    return r.ok ? [] : r.issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
  };

  it('reads report with its defaults left to the run, and the two opt-outs', () => {
    const spec = parseFlow(flow(`  - github:
      secret: s
      report: { app: { id: 12345, privateKey: gh-app-key }, context: coflow/build, stages: true }
      skipCi: false
      forkSecrets: true
  - gitlab: { secret: s, report: { token: gl-token, api: "https://gitlab.example.com/api/v4/" } }
  - gitea: { secret: s, report: { token: gt, api: "http://127.0.0.1:3000/api/v1" } }`));
    expect(spec.triggers).toEqual([
      { kind: 'github', events: [], branches: [], tags: [], paths: [], secret: 's', report: { app: { id: '12345', privateKeySecret: 'gh-app-key' }, context: 'coflow/build', perStage: true }, skipCi: false, forkSecrets: true },
      { kind: 'gitlab', events: [], branches: [], tags: [], paths: [], secret: 's', report: { tokenSecret: 'gl-token', apiUrl: 'https://gitlab.example.com/api/v4', perStage: false } },
      { kind: 'gitea', events: [], branches: [], tags: [], paths: [], secret: 's', report: { tokenSecret: 'gt', apiUrl: 'http://127.0.0.1:3000/api/v1', perStage: false } },
    ]);
  });

  it('refuses what it cannot honour, located', () => {
    expect(issues(`  - github: { secret: s, report: true }
  - gitea: { secret: s, report: { token: t } }
  - gitlab: { secret: s, report: { app: { id: 1, privateKey: k } } }
  - github: { secret: s, report: { stages: true } }
  - github: { secret: s, report: { token: t, api: "not a url", contxt: x } }
  - webhook: { secret: s, report: { token: t }, skipCi: false }
  - github: { secret: s, forkSecrets: "yes", report: { app: { id: abc } } }
  - github: { secret: s, report: { token: t, app: { id: 1, privateKey: k } } }`)).toEqual([
      '3:34 triggers[0].github.report: report needs "token" (the secret holding an API token) or "app" ({ id, privateKey } of a GitHub App), as a mapping',
      '4:33 triggers[1].gitea.report.api: a gitea report needs "api", the Gitea API base URL (e.g. https://gitea.example.com/api/v1)',
      '5:41 triggers[2].gitlab.report.app: app is a GitHub App and only works on github triggers; a gitlab report takes "token"',
      '6:34 triggers[3].github.report.token: report needs "token" (the secret holding an API token) or "app" ({ id, privateKey } of a GitHub App)',
      '7:51 triggers[4].github.report.api: api must be the forge\'s API base URL (http or https), got "not a url"',
      '7:64 triggers[4].github.report.contxt: unknown field "contxt"; did you mean "context"?',
      '8:35 triggers[5].webhook.report: report is only for github, gitlab and gitea triggers; a webhook trigger has no forge to report to',
      '8:57 triggers[5].webhook.skipCi: skipCi is only for github, gitlab and gitea triggers',
      '9:39 triggers[6].github.forkSecrets: must be true or false, got "yes"',
      '9:61 triggers[6].github.report.app.privateKey: app needs "privateKey", the secret holding the App\'s private key (PEM)',
      '9:67 triggers[6].github.report.app.id: app id must be the GitHub App\'s number, got "abc"',
      '10:43 triggers[7].github.report.token: report takes "token" or "app", not both: with an app, statuses and check runs are sent with its installation token',
    ]);
  });
});
