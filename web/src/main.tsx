/** The web UI's entry: mounts the app into the page the API serves at `/`. */
import { render } from 'preact';
import { App } from './app.tsx';

const root = document.getElementById('app');
if (root) render(<App />, root);
