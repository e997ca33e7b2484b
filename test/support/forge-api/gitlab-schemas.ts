/**
 * The two GitLab endpoints coflow's reporting calls, transcribed from
 * GitLab's REST API documentation, "Commits API" page
 * (https://docs.gitlab.com/api/commits/): "Set the pipeline status of a
 * commit" and "List the statuses of a commit". GitLab publishes no
 * machine-readable description to install; these JSON schemas say what the
 * page's attribute tables say.
 */

/** POST /projects/:id/statuses/:sha: the body's attributes (`id` and `sha` are in the path). */
export const SET_COMMIT_STATUS_BODY = {
  type: 'object',
  required: ['state'],
  additionalProperties: false,
  properties: {
    state: { enum: ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'] },
    ref: { type: 'string' },
    name: { type: 'string' },
    context: { type: 'string' },
    target_url: { type: 'string' },
    description: { type: 'string' },
    coverage: { type: 'number' },
    pipeline_id: { type: 'integer' },
  },
} as const;

/** GET /projects/:id/repository/commits/:sha/statuses: the query (strings, as sent; plus the pagination every list takes). */
export const LIST_COMMIT_STATUSES_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ref: { type: 'string' },
    stage: { type: 'string' },
    name: { type: 'string' },
    pipeline_id: { type: 'string', pattern: '^[0-9]+$' },
    order_by: { enum: ['id', 'pipeline_id'] },
    sort: { enum: ['asc', 'desc'] },
    all: { enum: ['true', 'false'] },
    page: { type: 'string', pattern: '^[0-9]+$' },
    per_page: { type: 'string', pattern: '^[0-9]+$' },
  },
} as const;

/** One commit status as both endpoints answer it. */
export const COMMIT_STATUS = {
  type: 'object',
  required: ['id', 'sha', 'ref', 'status', 'name', 'target_url', 'description', 'created_at', 'started_at', 'finished_at', 'allow_failure', 'author'],
  properties: {
    id: { type: 'integer' },
    sha: { type: 'string' },
    ref: { type: ['string', 'null'] },
    status: { enum: ['created', 'pending', 'running', 'success', 'failed', 'canceled', 'skipped', 'manual'] },
    name: { type: 'string' },
    target_url: { type: ['string', 'null'] },
    description: { type: ['string', 'null'] },
    created_at: { type: 'string' },
    started_at: { type: ['string', 'null'] },
    finished_at: { type: ['string', 'null'] },
    allow_failure: { type: 'boolean' },
    coverage: { type: ['number', 'null'] },
    pipeline_id: { type: 'integer' },
    author: {
      type: 'object',
      required: ['id', 'username', 'name', 'state', 'avatar_url', 'web_url'],
      properties: { id: { type: 'integer' }, username: { type: 'string' }, name: { type: 'string' }, state: { type: 'string' }, avatar_url: { type: 'string' }, web_url: { type: 'string' } },
    },
  },
} as const;
