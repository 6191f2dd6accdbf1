/** Lays out a `StatusView` as DOM. No decisions beyond layout: the main process's presenter made them. */
import type { CheckStatus } from '../../src/shared/check-ids.js';
import type { CheckView, PostureApi, StatusView, TrayState } from '../../src/shared/ipc.js';
import { h } from './dom.js';
import { formatTime, isoOf } from './format.js';

const STATE_MARK: Readonly<Record<TrayState, string>> = {
  compliant: '✓',
  warning: '!',
  non_compliant: '✗',
  offline: '⌁',
  unenrolled: '?',
  checking: '…',
};

const STATE_TITLE: Readonly<Record<TrayState, string>> = {
  compliant: 'Compliant',
  warning: 'Compliant, with warnings',
  non_compliant: 'Not compliant',
  offline: 'Offline',
  unenrolled: 'Not enrolled',
  checking: 'Checking',
};

const STATUS_WORDS: Readonly<Record<CheckStatus, string>> = {
  pass: 'Passed',
  fail: 'Failed',
  unknown: 'Could not check',
  unsupported: 'Not available on this OS',
};

const JUDGED: Readonly<Record<StatusView['judgedAgainst'], string>> = {
  service: 'Judged on this device against the requirements from your last result.',
  baseline: 'Judged on this device against the built-in baseline: the service has not sent requirements yet.',
  none: '',
};

export interface ViewContext {
  api: PostureApi;
  /** Re-renders with a fresh view (after Check now or enrolment). */
  refresh(view: StatusView): void;
}

/** The whole window's content for one view. */
export function renderStatus(view: StatusView, ctx: ViewContext): DocumentFragment {
  const frag = document.createDocumentFragment();
  frag.append(banner(view, ctx));
  if (view.state === 'unenrolled') frag.append(enrolForm(view, ctx));
  if (view.warnings.length) {
    frag.append(
      section('warnings', 'Upcoming requirements', h('ul', { class: 'plain warnings' }, ...view.warnings.map((w) => h('li', {}, w.text)))),
    );
  }
  if (view.resources.length) {
    frag.append(
      section(
        'resources',
        'AI-factory resources',
        h('ul', { class: 'plain resources' }, ...view.resources.map((r) =>
          h('li', { 'aria-label': `${r.name}: ${r.decision === 'allow' ? 'allowed' : 'blocked'}` },
            h('strong', {}, r.name),
            h('span', { class: `badge badge-${r.decision}` }, r.decision === 'allow' ? 'Allowed' : 'Blocked'),
            h('span', { class: 'reason' }, r.reason)))),
      ),
    );
  }
  if (view.checks.length) {
    frag.append(section('checks', 'Checks on this device', JUDGED[view.judgedAgainst] ? h('p', { class: 'muted' }, JUDGED[view.judgedAgainst]) : null, ...view.checks.map((c) => checkCard(c, ctx))));
  }
  return frag;
}

function section(id: string, title: string, ...content: (Node | null)[]): HTMLElement {
  return h('section', { 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, title), ...content);
}

function banner(view: StatusView, ctx: ViewContext): HTMLElement {
  const meta = h('div', { class: 'meta' });
  if (view.device) meta.append(h('span', {}, `Device ${view.device.id}`), h('span', {}, view.device.user));
  if (view.lastAttestedAt) meta.append(h('span', {}, 'Last checked by the service: ', h('time', { datetime: isoOf(view.lastAttestedAt) }, formatTime(view.lastAttestedAt))));
  if (view.tokenExpiresAt) meta.append(h('span', {}, 'Access token valid until: ', h('time', { datetime: isoOf(view.tokenExpiresAt) }, formatTime(view.tokenExpiresAt))));
  if (view.offlineSince) meta.append(h('span', {}, 'Offline since: ', h('time', { datetime: isoOf(view.offlineSince) }, formatTime(view.offlineSince))));

  const actions = h('div', { class: 'actions' });
  if (view.device) {
    const check = h('button', { type: 'button', class: 'primary', disabled: view.state === 'checking' }, view.state === 'checking' ? 'Checking…' : 'Check now');
    check.addEventListener('click', () => {
      check.disabled = true;
      check.textContent = 'Checking…';
      void ctx.api.checkNow().then(ctx.refresh, () => {
        check.disabled = false;
        check.textContent = 'Check now';
      });
    });
    const copy = h('button', { type: 'button' }, 'Copy device ID');
    copy.addEventListener('click', () => {
      void ctx.api.copyDeviceId().then((r) => {
        copy.textContent = r.copied ? 'Device ID copied' : 'Copy device ID';
      });
    });
    actions.append(check, copy);
  }

  return h('header', { class: `banner state-${view.state}` },
    h('span', { class: 'dot', 'aria-hidden': 'true' }, STATE_MARK[view.state]),
    h('div', {},
      h('h1', {}, STATE_TITLE[view.state]),
      h('p', { id: 'headline', role: 'status' }, view.headline),
      view.problem && view.state !== 'unenrolled' ? h('p', { class: 'muted' }, `Last error: ${view.problem}`) : null,
      meta,
      actions.childElementCount ? actions : null));
}

function checkCard(c: CheckView, ctx: ViewContext): HTMLElement {
  const id = `check-${c.id}`;
  const facts = c.facts.length ? h('dl', {}, ...c.facts.flatMap((f) => [h('dt', {}, f.label), h('dd', {}, f.value)])) : null;
  let remediation: HTMLElement | null = null;
  if (c.remediation) {
    const settings = c.remediation.settings;
    const button = settings ? h('button', { type: 'button', class: 'primary', 'aria-describedby': `${id}-title` }, settings.label) : null;
    if (button && settings) {
      button.addEventListener('click', () => {
        void ctx.api.openSettings({ url: settings.url });
      });
    }
    remediation = h('div', { class: 'remediation', 'aria-label': `How to fix ${c.title}`, role: 'group' },
      h('strong', {}, 'How to fix'),
      c.remediation.steps.length ? h('ol', {}, ...c.remediation.steps.map((s) => h('li', {}, s))) : null,
      button);
  }
  return h('article', { class: `check check-${c.status}`, id, 'aria-labelledby': `${id}-title` },
    h('header', {}, h('h3', { id: `${id}-title` }, c.title), h('span', { class: `badge badge-${c.status}` }, STATUS_WORDS[c.status])),
    h('p', {}, c.summary),
    facts,
    c.requirement ? h('p', { class: 'requirement' }, h('strong', {}, 'Policy: '), c.requirement) : null,
    remediation);
}

function enrolForm(view: StatusView, ctx: ViewContext): HTMLElement {
  const locked = view.enrollment.serviceUrlLocked;
  const url = h('input', { id: 'service-url', name: 'service-url', type: 'url', required: true, autocomplete: 'url', placeholder: 'https://posture.example.com', readonly: locked, value: view.enrollment.serviceUrl ?? undefined, 'aria-describedby': locked ? 'service-url-hint' : undefined });
  const code = h('input', { id: 'enrol-code', name: 'enrol-code', type: 'text', required: true, autocomplete: 'one-time-code', spellcheck: 'false', minlength: '8', maxlength: '128', 'aria-describedby': 'enrol-code-hint' });
  const error = h('p', { class: 'error', role: 'alert', id: 'enrol-error' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Enrol this device');
  const form = h('form', { class: 'enrol', 'aria-labelledby': 'enrol-title', novalidate: true },
    h('label', { for: 'service-url' }, 'Posture service address'),
    url,
    locked ? h('p', { class: 'hint', id: 'service-url-hint' }, 'Set by your organisation.') : null,
    h('label', { for: 'enrol-code' }, 'Enrolment code'),
    code,
    h('p', { class: 'hint', id: 'enrol-code-hint' }, 'The one-time code from your administrator or IT portal.'),
    error,
    h('div', {}, submit));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = code.value.trim();
    if (value.length < 8 || !/^[A-Za-z0-9._~-]+$/.test(value)) {
      error.textContent = 'Enter the enrolment code exactly as you received it (at least 8 letters or digits).';
      code.focus();
      return;
    }
    if (!locked && !/^https?:\/\//.test(url.value.trim())) {
      error.textContent = 'Enter the service address, starting with https://.';
      url.focus();
      return;
    }
    error.textContent = '';
    submit.disabled = true;
    submit.textContent = 'Enrolling…';
    void ctx.api.enroll({ code: value, ...(locked ? {} : { serviceUrl: url.value.trim() }) }).then(async (r) => {
      if (r.ok) {
        ctx.refresh(await ctx.api.getStatus());
        return;
      }
      error.textContent = r.message;
      submit.disabled = false;
      submit.textContent = 'Enrol this device';
    });
  });
  return h('section', { 'aria-labelledby': 'enrol-title' }, h('h2', { id: 'enrol-title' }, 'Enrol this device'), form);
}
