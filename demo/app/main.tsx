/**
 * The demo page's entry: loads the config from the demo server and renders the app.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { loadDemoConfig } from './demo-config';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
loadDemoConfig().then(
  (config) =>
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    ),
  (err: unknown) => root.render(<p role="alert">Could not load the demo: {String(err)}</p>),
);
