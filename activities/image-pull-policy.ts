/** When the kubernetes runner's job Pods pull their image (Kubernetes' `imagePullPolicy`). */
export const IMAGE_PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;
export type ImagePullPolicy = (typeof IMAGE_PULL_POLICIES)[number];
