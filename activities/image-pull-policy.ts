/** When a job's image is pulled: defined with the flow model, which also carries a job's own policy. */
export { IMAGE_PULL_POLICIES, type ImagePullPolicy } from '../flow/model.ts';
