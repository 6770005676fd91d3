// @ts-check
// The playground page: a small stand-in for the Zendesk agent interface around the REAL app
// locations, which the worker serves. Pick who you are and which ticket is open; the app iframes
// are (re)created through zaf-host.js and loaded as Zendesk loads them: a POST with a token the
// Zendesk fake signs for the acting user (asked for through /__playground/app-token, so no key is
// in this page), after which zaf-host.js answers the ZAF SDK as Zendesk would. The buttons call the playground server
// (/__playground/...), which drives the Zendesk and Telnyx fakes; the phone shows the SMS outbox,
// each SMS with a Reply box (the recipient texts back), and the ticket view the ticket's comments.
import { AppInstance } from './zaf-host.js';

/**
 * @typedef {{ id: number, name: string, email: string | null, role: string, roleLabel: string, phone: string | null, [key: string]: unknown }} User
 * @typedef {{ id: number, name: string }} Group
 * @typedef {{ id: number, subject: string, status: string, via: { channel: string }, requester: User | null,
 *   assignee: { user: User | null, group: Group | null }, customFields: Record<string, unknown>, [key: string]: unknown }} Ticket
 * @typedef {{ errorCode: string, errorTitle: string, appliedTo?: { messageId: string, to: string } }} FailNext
 * @typedef {{ subdomain: string, workerUrl: string, zafSdkVersion: string,
 *   app: { name: string, version: string, appId: number, installationId: number, settings: Record<string, string> },
 *   users: User[], tickets: Ticket[], phoneFieldId: number | null, phones: Record<string, string | null>,
 *   failures: { code: string, title: string }[], failNext: FailNext | null }} State
 * @typedef {{ id: string, from: string, to: string, text: string, parts: number, encoding: string,
 *   status: string, error: string | null, receivedAt: string }} Sms
 * @typedef {{ id: number, author: string, body: string, isPublic: boolean, createdAt: string }} Comment
 */

/** @param {string} id */
function $(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing`);
  return element;
}

const select = (/** @type {string} */ id) => /** @type {HTMLSelectElement} */ ($(id));
const button = (/** @type {string} */ id) => /** @type {HTMLButtonElement} */ ($(id));

/**
 * @param {string} path
 * @param {RequestInit} [init]
 */
async function api(path, init) {
  const res = await fetch(path, { ...init, headers: { 'content-type': 'application/json', ...init?.headers } });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? `${res.status}`);
  return body;
}

const params = new URLSearchParams(window.location.search);
/** @type {State} */
let state = await api('/__playground/state');
let userId = Number(params.get('user')) || state.users[0]?.id || 0;
let ticketId = Number(params.get('ticket')) || state.tickets[0]?.id || 0;
let view = params.get('view') === 'ticket' ? 'ticket' : 'admin';
/** @type {AppInstance | null} */
let navBar = null;
/** @type {AppInstance | null} */
let sidebar = null;

const currentUser = () => state.users.find((u) => u.id === userId) ?? state.users[0];
const currentTicket = () => state.tickets.find((t) => t.id === ticketId) ?? state.tickets[0];

// --- the activity log ---------------------------------------------------------------------------

/**
 * @param {string} text
 * @param {'info' | 'ok' | 'error'} [kind]
 */
function activity(text, kind = 'info') {
  const item = document.createElement('li');
  item.className = `activity--${kind}`;
  item.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
  const list = $('activity');
  list.prepend(item);
  while (list.children.length > 30) list.lastElementChild?.remove();
}

/**
 * @param {string} location
 * @returns {(direction: 'in' | 'out', summary: string) => void}
 */
function zafLog(location) {
  return (direction, summary) => {
    const item = document.createElement('li');
    item.textContent = `${location} ${direction === 'in' ? '→ host' : '← host'}  ${summary}`;
    const list = $('zaf-log-list');
    list.prepend(item);
    while (list.children.length > 200) list.lastElementChild?.remove();
  };
}

// --- ZAF data -------------------------------------------------------------------------------------

/**
 * Looks a ZAF path up in an object tree: "ticket.requester.name", "ticket.customField:custom_field_1".
 * @param {Record<string, unknown>} root
 * @param {string} path
 */
function resolvePath(root, path) {
  const field = /^ticket\.customField:custom_field_(\d+)$/.exec(path);
  if (field) {
    const ticket = /** @type {Ticket | undefined} */ (root.ticket);
    return ticket ? (ticket.customFields[field[1] ?? ''] ?? null) : undefined;
  }
  /** @type {unknown} */
  let node = root;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null || !(part in node)) return undefined;
    node = /** @type {Record<string, unknown>} */ (node)[part];
  }
  return node;
}

/** @param {string} location */
function zafData(location) {
  const user = currentUser();
  /** @type {Record<string, unknown>} */
  const data = {
    currentUser: user,
    currentAccount: { subdomain: state.subdomain, planName: 'enterprise', timeZone: { ianaName: 'America/New_York' } },
  };
  if (location === 'ticket_sidebar') data.ticket = currentTicket();
  return data;
}

/**
 * @param {'nav_bar' | 'ticket_sidebar'} location
 * @param {HTMLElement} container
 */
function mountApp(location, container) {
  const ticket = currentTicket();
  const user = currentUser();
  const instance = new AppInstance({
    container,
    // The worker serves the location (manifest: {WORKER}/app/{location}, signedUrls).
    pageUrl: `${state.workerUrl}/app/${location}`,
    location,
    context: {
      host: 'zendesk',
      product: 'support',
      location,
      account: { subdomain: state.subdomain },
      ...(location === 'ticket_sidebar' && ticket ? { ticketId: ticket.id } : {}),
    },
    metadata: {
      appId: state.app.appId,
      installationId: state.app.installationId,
      name: state.app.name,
      version: state.app.version,
      settings: state.app.settings,
    },
    resolve: (path) => resolvePath(zafData(location), path),
    request: (options) => api('/__playground/zaf/request', { method: 'POST', body: JSON.stringify({ options }) }),
    invoke: (name, args) => {
      if (name === 'resize') {
        const size = /** @type {{ width?: string, height?: string } | undefined} */ (args[0]);
        if (size?.height) instance.iframe.style.height = size.height;
        return {};
      }
      if (name === 'notify') {
        activity(`App notification: ${String(args[0])}`);
        return {};
      }
      return undefined;
    },
    log: zafLog(location),
  });
  // Zendesk signs a token for the user opening the page and posts it with the page load.
  api('/__playground/app-token', { method: 'POST', body: JSON.stringify({ userId: user?.id, location }) })
    .then((/** @type {{ token: string }} */ { token }) => instance.load(token))
    .catch((error) => activity(`Loading the app (${location}) failed: ${String(error)}`, 'error'));
  return instance;
}

// --- rendering ------------------------------------------------------------------------------------

function renderPickers() {
  const users = select('user');
  users.replaceChildren(...state.users.map((u) => new Option(`${u.name} (${u.roleLabel})`, String(u.id), false, u.id === userId)));
  const tickets = select('ticket');
  tickets.replaceChildren(
    ...state.tickets.map((t) => new Option(`#${t.id} ${t.subject} [${t.status}]`, String(t.id), false, t.id === ticketId)),
  );
  for (const tab of document.querySelectorAll('[data-view]')) {
    const isCurrent = tab instanceof HTMLElement && tab.dataset.view === view;
    tab.setAttribute('aria-pressed', String(isCurrent));
  }
  $('view-admin').hidden = view !== 'admin';
  $('view-ticket').hidden = view !== 'ticket';
}

function renderTicket() {
  const ticket = currentTicket();
  const card = $('ticket-card');
  if (!ticket) {
    card.textContent = 'No tickets in the demo account.';
    return;
  }
  const phone = state.phoneFieldId === null ? null : ticket.customFields[String(state.phoneFieldId)];
  const requesterPhone = ticket.requester ? state.phones[String(ticket.requester.id)] : null;
  /** @type {[string, string][]} */
  const rows = [
    ['Status', ticket.status],
    ['Requester', `${ticket.requester?.name ?? '—'}${requesterPhone ? ` · ${requesterPhone}` : ''}`],
    ['phoneNumber field', typeof phone === 'string' && phone !== '' ? phone : '(empty)'],
    ['Group', ticket.assignee.group?.name ?? '—'],
    ['Assignee', ticket.assignee.user?.name ?? '—'],
    ['Channel', ticket.via.channel],
  ];
  const title = document.createElement('h2');
  title.textContent = `#${ticket.id} ${ticket.subject}`;
  const list = document.createElement('dl');
  for (const [name, value] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = value;
    if (name === 'Status') dd.className = `status status--${value}`;
    list.append(dt, dd);
  }
  card.replaceChildren(title, list);
  button('solve').disabled = ticket.status === 'solved' || ticket.status === 'closed';
}

/** Recreates the app iframes: a new user or ticket is a new Zendesk page for the app. */
function remountApps() {
  navBar?.destroy();
  sidebar?.destroy();
  navBar = null;
  sidebar = null;
  if (view === 'admin') navBar = mountApp('nav_bar', $('nav-bar-container'));
  else sidebar = mountApp('ticket_sidebar', $('sidebar-container'));
}

function saveLocation() {
  const query = new URLSearchParams({ user: String(userId), view, ticket: String(ticketId) });
  window.history.replaceState(null, '', `?${query}`);
}

function render() {
  renderPickers();
  renderTicket();
  remountApps();
  saveLocation();
  lastComments = '';
  void refreshComments();
}

async function reloadState() {
  state = await api('/__playground/state');
  renderPickers();
  renderTicket();
}

// --- the phone (SMS outbox) -------------------------------------------------------------------

const STATUS_TEXT = /** @type {Record<string, string>} */ ({
  queued: 'Queued',
  sent: 'Sent',
  delivered: 'Delivered',
  delivery_failed: 'Failed',
  sending_failed: 'Failed',
});

/** @param {Sms} sms */
function smsItem(sms) {
  const item = document.createElement('li');
  item.className = `sms sms--${sms.status}`;
  item.dataset.status = sms.status;
  const meta = document.createElement('div');
  meta.className = 'sms__meta';
  meta.textContent = `To ${sms.to} · from ${sms.from}`;
  const text = document.createElement('p');
  text.className = 'sms__text';
  text.textContent = sms.text;
  const footer = document.createElement('div');
  footer.className = 'sms__status';
  const time = new Date(sms.receivedAt).toLocaleTimeString();
  const status = STATUS_TEXT[sms.status] ?? sms.status;
  footer.textContent = `${status}${sms.error ? `: ${sms.error}` : ''} · ${time} · ${sms.parts} part(s), ${sms.encoding}`;
  item.append(meta, text, footer, replyForm(sms));
  return item;
}

/** What is typed in each SMS's reply box, kept while the outbox re-renders. */
const replyDrafts = /** @type {Map<string, string>} */ (new Map());

/**
 * The phone's answer to one SMS: the recipient texts back, through the Telnyx fake (signed
 * message.received) into the worker.
 * @param {Sms} sms
 */
function replyForm(sms) {
  const form = document.createElement('form');
  form.className = 'sms__reply';
  const input = document.createElement('input');
  input.type = 'text';
  input.placeholder = `Reply as ${sms.to}`;
  input.setAttribute('aria-label', `Reply to the SMS to ${sms.to}`);
  input.value = replyDrafts.get(sms.id) ?? '';
  input.addEventListener('input', () => replyDrafts.set(sms.id, input.value));
  const send = document.createElement('button');
  send.type = 'submit';
  send.textContent = 'Reply';
  form.append(input, send);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    send.disabled = true;
    api(`/__playground/outbox/${encodeURIComponent(sms.id)}/reply`, { method: 'POST', body: JSON.stringify({ text }) })
      .then((/** @type {WebhookResult} */ result) => {
        const ok = result.status >= 200 && result.status < 300;
        activity(`${sms.to} replied "${text}": Telnyx's signed message.received was sent: ${describeDelivery(result)}`, ok ? 'ok' : 'error');
        if (ok) {
          input.value = '';
          replyDrafts.delete(sms.id);
        }
        // The reply is added to the ticket from the worker's queue: look again shortly.
        setTimeout(() => {
          void refreshComments();
          sidebar?.fire('ticket.updated', currentUser());
        }, 1500);
      })
      .catch((error) => activity(`Replying failed: ${String(error)}`, 'error'))
      .finally(() => {
        send.disabled = false;
      });
  });
  return form;
}

// --- the open ticket's comments (from the Zendesk fake) ---------------------------------------------

let lastComments = '';
async function refreshComments() {
  const ticket = currentTicket();
  if (view !== 'ticket' || !ticket) return;
  try {
    /** @type {{ comments: Comment[] }} */
    const { comments } = await api(`/__playground/tickets/${ticket.id}/comments`);
    const signature = JSON.stringify([ticket.id, comments.map((c) => c.id)]);
    if (signature === lastComments) return;
    lastComments = signature;
    const list = $('ticket-comments');
    list.replaceChildren(
      ...comments.map((c) => {
        const item = document.createElement('li');
        item.className = c.isPublic ? 'comment' : 'comment comment--internal';
        const meta = document.createElement('div');
        meta.className = 'comment__meta';
        meta.textContent = `${c.author} · ${c.isPublic ? 'public reply' : 'internal note'} · ${new Date(c.createdAt).toLocaleString()}`;
        const body = document.createElement('p');
        body.className = 'comment__body';
        body.textContent = c.body;
        item.append(meta, body);
        return item;
      }),
    );
    $('ticket-comments-empty').hidden = comments.length > 0;
  } catch (error) {
    $('ticket-comments-empty').textContent = `comments unavailable: ${String(error)}`;
  }
}

let lastOutbox = '';
async function refreshOutbox() {
  try {
    /** @type {{ messages: Sms[], failNext: FailNext | null }} */
    const { messages, failNext } = await api('/__playground/outbox');
    const signature = JSON.stringify(messages.map((m) => [m.id, m.status]));
    if (signature !== lastOutbox) {
      lastOutbox = signature;
      const list = $('outbox');
      list.replaceChildren(...messages.map(smsItem));
      $('outbox-empty').hidden = messages.length > 0;
      $('outbox-count').textContent = `${messages.length} SMS`;
      const screen = $('outbox-screen');
      screen.scrollTop = screen.scrollHeight;
    }
    renderFailNext(failNext);
  } catch (error) {
    $('outbox-count').textContent = `outbox unavailable: ${String(error)}`;
  }
}

/** @param {FailNext | null} failNext */
function renderFailNext(failNext) {
  const line = $('fail-state');
  const armed = failNext !== null && !failNext.appliedTo;
  button('fail-next').hidden = armed;
  button('fail-cancel').hidden = !armed;
  if (!failNext) line.textContent = 'Every SMS is delivered.';
  else if (armed) line.textContent = `The next SMS will fail: ${failNext.errorTitle} (${failNext.errorCode}).`;
  else
    line.textContent = `Failed the SMS to ${failNext.appliedTo?.to}: ${failNext.errorTitle} (${failNext.errorCode}). Later SMS are delivered.`;
}

// --- buttons --------------------------------------------------------------------------------------

/**
 * @typedef {{ status: number, body: string, error?: string, notSetUp?: boolean }} WebhookResult
 */

const NOT_SET_UP =
  'The Zendesk webhook is not set up yet, so Zendesk has nothing to send: as Ada Admin, open the admin screen, connect Zendesk and press "Create Zendesk webhook and triggers" in Setup.';

/** @param {WebhookResult} result */
function describeDelivery(result) {
  if (result.status === 0) return `nothing reached the worker (${result.error ?? 'no answer'})`;
  return `the worker answered ${result.status} ${result.body}`;
}

async function solveTicket() {
  const ticket = currentTicket();
  if (!ticket) return;
  const solveButton = button('solve');
  solveButton.disabled = true;
  try {
    // Zendesk asks the apps first: a ticket.save handler may cancel the save.
    const veto = sidebar ? await sidebar.fireWithReply('ticket.save') : null;
    if (veto) {
      activity(`The app cancelled saving ticket #${ticket.id}: ${veto}`, 'error');
      return;
    }
    /** @type {WebhookResult} */
    const result = await api(`/__playground/tickets/${ticket.id}/solve`, { method: 'POST' });
    if (result.notSetUp) {
      activity(`Ticket #${ticket.id} was not solved. ${NOT_SET_UP}`, 'error');
      return;
    }
    activity(
      `Ticket #${ticket.id} solved; Zendesk's trigger webhook was signed and sent: ${describeDelivery(result)}`,
      result.status >= 200 && result.status < 300 ? 'ok' : 'error',
    );
    await reloadState();
    sidebar?.fire('ticket.status.changed', 'solved');
    sidebar?.fire('ticket.submit.done');
    sidebar?.fire('ticket.updated', currentUser());
  } catch (error) {
    activity(`Solving failed: ${String(error)}`, 'error');
  } finally {
    renderTicket();
  }
}

async function endChat() {
  const ticket = currentTicket();
  if (!ticket) return;
  try {
    /** @type {WebhookResult} */
    const result = await api(`/__playground/tickets/${ticket.id}/end-chat`, { method: 'POST' });
    if (result.notSetUp) {
      activity(`No webhook was sent for ticket #${ticket.id}. ${NOT_SET_UP}`, 'error');
      return;
    }
    activity(
      `Chat on ticket #${ticket.id} ended; the conversation_ended webhook was sent: ${describeDelivery(result)}`,
      result.status >= 200 && result.status < 300 ? 'ok' : 'error',
    );
    // The chat transcript lands on the ticket, which Zendesk reports as an update.
    sidebar?.fire('ticket.updated', currentUser());
  } catch (error) {
    activity(`Ending the chat failed: ${String(error)}`, 'error');
  }
}

async function failNext() {
  const code = select('failure').value;
  const { failNext: armed } = await api('/__playground/fail-next', { method: 'POST', body: JSON.stringify({ errorCode: code }) });
  renderFailNext(armed);
  activity(`The next SMS will fail with ${armed.errorTitle} (${armed.errorCode})`);
}

async function cancelFailNext() {
  await api('/__playground/fail-next', { method: 'DELETE' });
  renderFailNext(null);
}

select('user').addEventListener('change', (e) => {
  userId = Number(/** @type {HTMLSelectElement} */ (e.target).value);
  render();
});
select('ticket').addEventListener('change', (e) => {
  ticketId = Number(/** @type {HTMLSelectElement} */ (e.target).value);
  render();
});
for (const tab of document.querySelectorAll('[data-view]')) {
  tab.addEventListener('click', () => {
    view = tab instanceof HTMLElement && tab.dataset.view === 'ticket' ? 'ticket' : 'admin';
    render();
  });
}
button('reload-app').addEventListener('click', () => {
  // A fresh signed load: how a page whose session ended recovers (the app restores drafts).
  activity(`Reloaded the app (${view === 'admin' ? 'admin screen' : 'ticket sidebar'})`);
  remountApps();
});
button('solve').addEventListener('click', () => void solveTicket());
button('end-chat').addEventListener('click', () => void endChat());
button('fail-next').addEventListener('click', () => void failNext());
button('fail-cancel').addEventListener('click', () => void cancelFailNext());

select('failure').replaceChildren(...state.failures.map((f) => new Option(`${f.title} (${f.code})`, f.code)));
$('footer-info').textContent =
  `App pages served by the worker ${state.workerUrl} · account "${state.subdomain}" · app installation ${state.app.installationId} · ZAF SDK ${state.zafSdkVersion} (npm)`;
render();
await refreshOutbox();
setInterval(() => {
  void refreshOutbox();
  void refreshComments();
}, 1500);
