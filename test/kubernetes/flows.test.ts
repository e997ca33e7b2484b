/**
 * The flow suite (test/support/flow-suite.ts) on the kubernetes runner,
 * against the single-node cluster of scripts/k8s/cluster.sh.
 */
import { flowSuite } from '../support/flow-suite.ts';
import { podsOfRun, testRunner } from './support.ts';

flowSuite({ runner: () => testRunner(), separateStreams: false, leftovers: podsOfRun });
