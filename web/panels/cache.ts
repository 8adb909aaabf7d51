// A context's internal cache as OpenSSL holds it (Context.cachedSessions()), with ages from the
// sandbox clock, so that one sees sessions approach their timeout and expire.
import type { ContextView } from '../runtime.js';
import { duration, fill, h, shortId } from '../dom.js';

export function renderCache(body: HTMLElement, view: ContextView, now: number): void {
  body.dataset.count = String(view.cache.length);
  if (!view.cache.length) {
    fill(body, h('p', { class: 'empty' }, `Empty (SSL_CTX_sess_number(${view.name}) = 0).`));
    return;
  }
  const rows = view.cache.map((s) => {
    const age = now - s.time;
    // OpenSSL drops a session once now passes time + timeout (ssl_session_calculate_timeout).
    const expired = age > s.timeout;
    return h('tr', { class: expired ? 'expired' : '', 'data-expired': String(expired) },
      h('td', {}, h('code', { title: s.id }, shortId(s.id)), h('div', { class: 'muted' }, `object ${s.object}${s.handles.length ? ` · held as ${s.handles.join(', ')}` : ''}`)),
      h('td', {}, s.protocol),
      h('td', {}, duration(age)),
      h('td', {}, duration(s.timeout), h('div', { class: 'muted' }, expired ? h('strong', {}, 'expired') : `${duration(s.timeout - age)} left`)),
      h('td', {}, s.resumable ? 'yes' : h('strong', {}, 'no'), s.hasTicket ? h('div', { class: 'muted' }, 'ticket') : null),
    );
  });
  fill(body, h('table', {},
    h('caption', {}, `SSL_CTX_sess_number(${view.name}) = ${view.cache.length}, oldest first`),
    h('thead', {}, h('tr', {}, ...['Id', 'Protocol', 'Age', 'Timeout', 'Resumable'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...rows)));
}
