/**
 * The flow a user tries first: start, one job of the catalog's shell
 * component that greets and hands on an output, end. The end-to-end tests of
 * each topology (dev, the images, compose) run it.
 */
export function helloFlow(uri: string, title: string): string {
  return `uri: ${uri}
title: ${title}
stages:
  - { type: start, name: start }
  - name: greet
    actions:
      - name: say
        jobs:
          - name: hello
            component: library/shell@1
            script: 'echo "hello from $CO_JOB"; echo "[COUT] GREETING = hi"'
            outputs: [GREETING]
  - { type: end, name: end }
`;
}
