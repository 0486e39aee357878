// The console's entry: a hash router over three views, refreshed every 2 seconds while visible.
import { region } from './kinesis.js';
import { recordsView, streamsView, streamView } from './views.js';

const REFRESH_MS = 2000;
let timer;
let generation = 0;

function route() {
  const hash = decodeURIComponent(location.hash.replace(/^#/, '')) || '/';
  const m = /^\/streams\/([^/]+)(\/records)?$/.exec(hash);
  if (m?.[2]) return { view: recordsView, arg: m[1] };
  if (m) return { view: streamView, arg: m[1] };
  return { view: streamsView, arg: undefined };
}

async function render() {
  clearTimeout(timer);
  const gen = ++generation;
  const { view, arg } = route();
  const main = document.getElementById('main');
  const status = document.getElementById('status');
  const state = { first: true };
  const tick = async () => {
    if (gen !== generation) return;
    try {
      const refresh = await view(main, arg, state);
      status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
      state.first = false;
      if (refresh !== false && gen === generation) timer = setTimeout(tick, REFRESH_MS);
    } catch (err) {
      status.textContent = '';
      const p = document.createElement('p');
      p.className = 'error';
      p.setAttribute('role', 'alert');
      p.textContent = `${err.type ? `${err.type}: ` : ''}${err.message}`;
      main.replaceChildren(p);
    }
  };
  await tick();
}

document.getElementById('where').textContent = `${location.host} · ${region}`;
window.addEventListener('hashchange', () => {
  render();
  document.getElementById('main').focus();
});
render();
