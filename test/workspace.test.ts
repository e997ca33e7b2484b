/** The workspace suite (test/support/workspace-suite.ts) on the docker runner. */
import { execFileSync } from 'node:child_process';
import { workspaceSuite } from './support/workspace-suite.ts';

workspaceSuite({
  name: 'docker',
  volumes: (runId) =>
    Promise.resolve(execFileSync('docker', ['volume', 'ls', '-q', '--filter', `label=coflow.run=${runId}`], { encoding: 'utf8' }).split('\n').filter(Boolean)),
  removeVolume: (volume) => Promise.resolve(void execFileSync('docker', ['volume', 'rm', '-f', volume])),
});
