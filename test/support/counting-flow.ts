/**
 * A one-job flow whose component prints `line 1` … `line N`, one every
 * `intervalS` seconds: the tests that interrupt something mid-job count on it.
 */
export function countingFlow(uri: string, lines: number, intervalS: number): string {
  return `
uri: ${uri}
stages:
  - name: s
    actions:
      - name: a
        jobs:
          - name: count
            endpoint: coflow/shell:1.0.0
            script: 'i=1; while [ $i -le ${lines} ]; do echo "line $i"; i=$((i+1)); sleep ${intervalS}; done'
`;
}
