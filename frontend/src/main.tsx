import { render } from 'preact';
import { App } from './app';
import { getLang, loadLang } from './lib/i18n';
import './styles.css';

// Someone who chose English gets it from the first paint (its dictionary is a separate chunk).
const lang = getLang();
document.documentElement.lang = lang;
void loadLang(lang)
  .catch(() => {})
  .finally(() => render(<App />, document.getElementById('app')!));

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => {
      /* the app works without it; only offline start is lost */
    });
  });
}
