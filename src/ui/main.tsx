/** Entry point: themes, the store, the engine worker, the first link, the React tree. */
import '../state/zod-config.ts'; // first: before any schema is built
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles.css';
import { App } from './shell/App.tsx';
import { startEngine } from './engine/client.ts';
import { applyInitialLink, watchLinks } from './shell/link-sync.ts';
import { applyPrefsToDocument } from './shell/prefs-effects.ts';
import { useApp } from '../state/store.ts';
import { t } from '../i18n/t.ts';

applyPrefsToDocument();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

startEngine()
  .then(() => applyInitialLink())
  .then(() => watchLinks())
  .catch((e: unknown) => {
    useApp.getState().setEngine({ health: 'crashed', engineFailure: t('engine.client.couldNotStart', { error: e instanceof Error ? e.message : String(e) }) });
  });
