/**
 * Every page of the UI, by path. Pages load on first use (their own chunk),
 * so the first load carries only the shell and the page it opens.
 * To add a page: write `pages/<name>.tsx` exporting `default` and list it here.
 */
import type { ComponentType } from 'preact';
import type { Params } from './router.tsx';

export interface PageProps {
  readonly params: Params;
}

type PageModule = { default: ComponentType<PageProps> };

export interface Route {
  readonly pattern: string;
  /** The nav entry this page belongs to. */
  readonly section: 'runs' | 'flows' | 'components' | 'deployments' | 'dora' | 'none';
  readonly load: () => Promise<PageModule>;
}

export const ROUTES: readonly Route[] = [
  { pattern: '/', section: 'runs', load: () => import('./pages/runs-list.tsx') },
  { pattern: '/runs', section: 'runs', load: () => import('./pages/runs-list.tsx') },
  { pattern: '/runs/:ns/:repo/:name/:number', section: 'runs', load: () => import('./pages/run-page.tsx') },
  { pattern: '/flows', section: 'flows', load: () => import('./pages/flows-list.tsx') },
  { pattern: '/flows/new', section: 'flows', load: () => import('./pages/flow-editor.tsx') },
  { pattern: '/flows/:ns/:repo/:name', section: 'flows', load: () => import('./pages/flow-page.tsx') },
  { pattern: '/flows/:ns/:repo/:name/edit', section: 'flows', load: () => import('./pages/flow-editor.tsx') },
  { pattern: '/components', section: 'components', load: () => import('./pages/components.tsx') },
  { pattern: '/deployments', section: 'deployments', load: () => import('./pages/deployments.tsx') },
  { pattern: '/deployments/:id', section: 'deployments', load: () => import('./pages/deployment.tsx') },
  { pattern: '/dora', section: 'dora', load: () => import('./pages/dora.tsx') },
];
