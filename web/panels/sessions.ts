// The sessions the user holds (a handshake's client session, dups, sessions the new-session
// callback kept), each with the calls one can make on it and their return value, shown at once.
import type { Snapshot } from '../runtime.js';
import { duration, fill, h, shortId } from '../dom.js';
import { renderResult } from './result.js';

export type SessionAction = 'SSL_CTX_add_session' | 'SSL_CTX_remove_session' | 'SSL_SESSION_free' | 'SSL_SESSION_dup';

export function renderSessions(body: HTMLElement, snapshot: Snapshot, target: string, act: (call: SessionAction, ref: string) => void): void {
  const last = snapshot.records.at(-1);
  if (!snapshot.sessions.length) {
    fill(body, h('p', { class: 'empty' }, 'No sessions yet: run a handshake.'));
    return;
  }
  // Cards rather than a table: four buttons per session fit a narrow column this way.
  const cards = snapshot.sessions.map(({ ref, origin, info }) => {
    // The last step's result stays next to the session it was about.
    const result = last && 'call' in last.step && last.step.args?.includes(ref) ? last : undefined;
    const button = (call: SessionAction, args: string) =>
      h('button', { type: 'button', 'aria-label': `${call}(${args})`, onclick: () => act(call, ref) }, call);
    const age = snapshot.now - info.time;
    return h('li', { class: 'session', 'data-testid': `session-${ref}`, 'data-resumable': String(info.resumable) },
      h('div', {}, h('strong', {}, h('code', {}, ref)), ' ', h('span', { class: 'muted' }, `${info.name} · object ${info.object} · ${origin}`)),
      h('div', { class: 'facts' },
        h('span', {}, 'id ', h('code', { title: info.id }, shortId(info.id))),
        h('span', {}, `${info.protocol} ${info.cipher}`),
        h('span', { class: info.resumable ? '' : 'error' }, info.resumable ? 'resumable' : 'not resumable'),
        h('span', {}, `age ${duration(age)} of ${duration(info.timeout)}`),
        info.hasTicket ? h('span', {}, `ticket (hint ${info.ticketLifetimeHint} s)`) : null),
      h('div', { class: 'actions' },
        button('SSL_CTX_add_session', `${target}, ${ref}`), button('SSL_CTX_remove_session', `${target}, ${ref}`),
        button('SSL_SESSION_dup', ref), button('SSL_SESSION_free', ref)),
      result ? renderResult(result, { 'data-testid': `session-result-${ref}` }) : null,
    );
  });
  fill(body, h('ul', { class: 'sessions' }, ...cards));
}
