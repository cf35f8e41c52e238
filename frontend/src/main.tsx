import { render } from 'preact';
import { App } from './app';
import { getLang } from './lib/i18n';
import './styles.css';

document.documentElement.lang = getLang();
render(<App />, document.getElementById('app')!);

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      /* the app works without it; only offline start is lost */
    });
  });
}
