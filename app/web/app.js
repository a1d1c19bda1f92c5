/*
 * Ibiki dashboard: all the behaviour of the single page (index.html).
 * Login; admin client management (rename, disable, delivery mode, webhook,
 * routes, API keys, operator accounts, deliveries); operator inbox, send
 * form, message log and users.  Plain ES2020, no dependencies.  The session
 * is the HttpOnly cookie set by /api/auth/login; GET /api/auth/me tells who
 * it is on every load (so a second tab needs no login), and again at the
 * token's expiry, when the tab becomes visible or gets the focus, and when
 * another tab logs in or out (BroadcastChannel 'ibiki-session'); that
 * answer is kept in memory only.  An admin's "acting for client" choice stays in
 * sessionStorage (per tab).  Server data reaches the DOM through
 * textContent only.
 */
'use strict';

(() => {
	const MAX_CHARS = 1600;
	const LEGACY_SESSION_KEY = 'ibiki.session'; /* older builds kept the session here: removed on load */
	const ACTING_KEY = 'ibiki.acting'; /* {id, name}: the client an admin acts for */
	const TABS = ['inbox', 'send', 'messages', 'users'];
	const MODES = [['poll', 'Poll'], ['push', 'Push'], ['both', 'Both']];
	const REFRESH_MS = 10000;
	const PAGE = 50; /* conversations, thread messages and log rows per page */
	const SEARCH_MS = 300; /* inbox search debounce */
	const ENDED_TEXT = 'Your session has ended. Please log in again.';
	const MAX_TIMER_MS = 2147483647; /* setTimeout's limit (about 24.8 days) */
	const CHECK_MS = 5000; /* focus and visibility ask /api/auth/me at most this often */

	let session = null; /* {role, username, displayName, clientId, clientName, expiresAt} */
	let acting = null;
	let view = null;
	let expiryTimer = null;
	let serverSkew = 0; /* server clock minus ours, from the Date header (ms) */
	let checkSeq = 0; /* the newest /api/auth/me check; a session change in this tab bumps it */
	let lastFocusCheck = 0; /* when focus or visibility last asked (Date.now()) */
	let authBusy = false; /* a login or logout of this tab under way: no checks meanwhile */
	let channel = null; /* BroadcastChannel('ibiki-session'): the tabs' logins and logouts */

	/* --- small helpers ------------------------------------------------------ */

	const $ = (id) => document.getElementById(id);

	/* el('tag', {class, text, key, on:{click: fn}, 'aria-x': v, prop: v}, ...children)
	 * Strings among children become text nodes: never parsed as HTML.
	 * key (data-key) names an element so that the focus can be put back on
	 * its replacement after a re-render (keepFocus). */
	function el(tag, props, ...children) {
		const e = document.createElement(tag);
		for (const [k, v] of Object.entries(props || {})) {
			if (v === null || v === undefined) continue;
			if (k.startsWith('aria-') || k.startsWith('data-') || k === 'role' || k === 'for') e.setAttribute(k, String(v));
			else if (k === 'class') e.className = v;
			else if (k === 'text') e.textContent = String(v);
			else if (k === 'key') e.dataset.key = String(v);
			else if (k === 'on') for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
			else if (k === 'dataset') Object.assign(e.dataset, v);
			else e[k] = v;
		}
		for (const c of children.flat()) {
			if (c === null || c === undefined || c === false) continue;
			e.append(c instanceof Node ? c : String(c));
		}
		return e;
	}

	const store = {
		get(k) {
			try {
				return JSON.parse(sessionStorage.getItem(k));
			} catch {
				return null;
			}
		},
		set(k, v) {
			try {
				if (v === null || v === undefined) sessionStorage.removeItem(k);
				else sessionStorage.setItem(k, JSON.stringify(v));
			} catch {
				/* storage disabled: acting for a client just does not survive a reload */
			}
		},
	};

	/* Characters as the server counts them (code points). */
	const chars = (s) => Array.from(s).length;

	function fmtTime(iso) {
		if (!iso) return '—';
		const d = new Date(iso);
		return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
	}

	const yesNo = (b) => (b ? 'Yes' : 'No');
	const dash = (v) => (v === null || v === undefined || v === '' ? '—' : String(v));
	const plural = (n, one, many) => n + ' ' + (n === 1 ? one : many);

	function pill(text) {
		const t = dash(text);
		return el('span', { class: 'pill pill-' + t.toLowerCase().replace(/[^a-z]/g, ''), text: t });
	}

	/* Phones: the layout of app.css's max-width 700px block. */
	const phoneLayout = () => window.matchMedia('(max-width: 700px)').matches;

	/* Focus without scrolling the page (the element is where the user looks,
	 * or the caller scrolled already). */
	function focusQuiet(e) {
		if (e && e.isConnected) e.focus({ preventScroll: true });
	}

	/* Focus lost: nothing, or the page itself, has it. */
	const focusLost = () => !document.activeElement || document.activeElement === document.body;

	/* Runs render() (which rebuilds part of root) and puts the focus back on
	 * the equivalent element: the same one if it survived, else the one with
	 * the same data-key, else fallback.  Does nothing when the focus was
	 * outside root. */
	function keepFocus(root, render, fallback) {
		const a = document.activeElement;
		const inside = a && a !== document.body && root.contains(a);
		const key = inside ? a.dataset.key : undefined;
		render();
		if (!inside || document.activeElement === a) return;
		if (a.isConnected && root.contains(a)) {
			focusQuiet(a);
			return;
		}
		const b = key ? root.querySelector('[data-key="' + CSS.escape(key) + '"]') : null;
		if (b && !b.disabled && !b.closest('[hidden]')) focusQuiet(b);
		else if (fallback) focusQuiet(fallback);
	}

	/* The error of a webhook attempt without its leading "HTTP <status>",
	 * which the status already says: "failed (HTTP 500)", not
	 * "failed (HTTP 500), HTTP 500". */
	function attemptError(error, httpStatus) {
		if (!error) return '';
		const e = String(error);
		if (!httpStatus) return e;
		return e.replace(new RegExp('^HTTP ' + httpStatus + '\\b[:;,]?\\s*'), '');
	}

	/* --- opt-out and media --------------------------------------------------- */

	const PROVIDERS = { twilio: 'Twilio', extreme: 'Extreme' };
	const KEYWORDS = { stop: 'Opt-out keyword', start: 'Opt-in keyword', help: 'Help keyword' };

	/* How a number came to be opted out, from optOut {at, keyword, provider,
	 * source}: "texted STOP on <date> via Twilio"; '' when o is null. */
	function optOutHow(o) {
		if (!o) return '';
		const when = o.at ? ' on ' + fmtTime(o.at) : '';
		const prov = PROVIDERS[o.provider] || o.provider;
		if (o.source === 'provider') return (prov || 'the provider') + ' reported it unsubscribed' + when;
		if (o.source === 'admin') return 'set by an administrator' + when;
		return 'texted ' + (o.keyword || 'a stop keyword') + when + (prov ? ' via ' + prov : '');
	}

	/* The "opted out" pill; o (an optOut, or null) describes it. */
	function optedOutPill(o) {
		const how = optOutHow(o);
		const p = pill('opted out');
		p.title = 'Opted out' + (how ? ': ' + how : '') + '. Messages to this number are refused.';
		p.setAttribute('aria-description', p.title);
		return p;
	}

	/* The state pills of a number (conversation or thread answer):
	 * registered / not registered, inactive, opted out.  registered is
	 * left out when the server does not say (older servers). */
	function statePills(x, optOut) {
		const out = [];
		if (x.registered === true) out.push(pill('registered'));
		else if (x.registered === false) out.push(pill('not registered'));
		if (x.userStatus === 'inactive') out.push(pill('inactive'));
		if (x.optedOut) out.push(optedOutPill(optOut || null));
		return spaced(out);
	}

	/* Nodes with a space between each two, so that their text reads as
	 * words ("active opted out"), not run together. */
	function spaced(nodes) {
		return nodes.filter(Boolean).flatMap((n, i) => (i === 0 ? [n] : [' ', n]));
	}

	/* The pill of an inbound message's keyword ("stop", "start", "help"), or null. */
	function keywordPill(k) {
		if (!k) return null;
		const p = pill(String(k).toUpperCase());
		p.title = KEYWORDS[k] || 'Keyword';
		return p;
	}

	/* A message's media as links, or null when none.  Only https:// URLs are
	 * shown; they open in a new tab and are never fetched or embedded here. */
	function mediaLinks(media) {
		const ok = (media || []).filter((x) => x && typeof x.url === 'string' && x.url.startsWith('https://'));
		if (ok.length === 0) return null;
		return el('ul', { class: 'media', 'aria-label': 'Attachments' }, ok.map((x) => el('li', null, el('a', {
			href: x.url,
			rel: 'noopener noreferrer',
			target: '_blank',
			title: 'Opens in a new tab',
			text: x.contentType || 'attachment',
		}))));
	}

	function newIdemKey() {
		if (crypto.randomUUID) return crypto.randomUUID();
		const b = crypto.getRandomValues(new Uint8Array(16));
		return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
	}

	/* A table from columns [[heading, row => string|Node, class?], ...].
	 * Every cell carries its heading as data-label: on phones app.css stacks
	 * the rows and shows it before the value. */
	function table(caption, cols, rows, empty) {
		if (!rows || rows.length === 0) return el('p', { class: 'muted', text: empty || 'Nothing to show.' });
		return el('table', { class: 'stacked kv' },
			el('caption', { class: 'sr-only', text: caption }),
			el('thead', null, el('tr', null, cols.map((c) => el('th', { scope: 'col' },
				c[0] || el('span', { class: 'sr-only', text: 'Actions' }))))),
			el('tbody', null, rows.map((r) => el('tr', null, cols.map((c) => {
				const v = c[1](r);
				return el('td', { class: c[2] || null, 'data-label': c[0] || null }, v instanceof Node ? v : dash(v));
			})))));
	}

	function fact(k, v) {
		return [el('dt', { text: k }), el('dd', null, v instanceof Node ? v : dash(v))];
	}

	/* --- notices ------------------------------------------------------------ */

	let noticeTimer = null;

	/* The notice under the header.  kind: info (default), warn, error.
	 * Errors are alerts and stay until dismissed; the others are polite
	 * status messages. */
	function notify(text, kind) {
		const k = kind || 'info';
		const n = $('notice');
		n.setAttribute('role', k === 'error' ? 'alert' : 'status');
		n.setAttribute('aria-live', k === 'error' ? 'assertive' : 'polite');
		n.className = 'notice ' + k;
		n.hidden = false;
		$('notice-text').textContent = text;
		clearTimeout(noticeTimer);
		if (k === 'info') noticeTimer = setTimeout(() => { n.hidden = true; }, 6000);
	}

	function hideNotice() {
		clearTimeout(noticeTimer);
		$('notice').hidden = true;
	}

	function errorText(err) {
		let t = err && err.message ? err.message : String(err);
		const d = err && err.body && err.body.details;
		if (typeof d === 'string' && d) t += ' (' + d + ')';
		return t;
	}

	function fail(err) {
		if (err && err.handled) return;
		notify(errorText(err), 'error');
	}

	/* A per-form result line (a live region), in addition to the notice. */
	function result(p, text, kind) {
		p.className = 'result ' + (kind || 'info');
		p.textContent = text;
	}

	function clearResult(p) {
		p.textContent = '';
		p.className = 'result';
	}

	/* Runs fn with btn disabled; reports errors; returns fn's value or
	 * undefined.  A disabled button can lose the focus: it gets it back. */
	async function busy(btn, fn) {
		const had = btn && document.activeElement === btn;
		if (btn) btn.disabled = true;
		try {
			return await fn();
		} catch (e) {
			fail(e);
			return undefined;
		} finally {
			if (btn) {
				btn.disabled = false;
				if (had && focusLost()) refocus(btn);
			}
		}
	}

	/* Gives the focus back to btn, or to its replacement after a re-render
	 * (the element with the same data-key). */
	function refocus(btn) {
		if (btn.isConnected && !btn.closest('[hidden]')) {
			focusQuiet(btn);
			return;
		}
		const k = btn.dataset.key;
		const b = k ? document.querySelector('[data-key="' + CSS.escape(k) + '"]') : null;
		if (b && !b.disabled) focusQuiet(b);
	}

	/* A send form while its message goes out: the button disabled and
	 * saying "Sending…", the form aria-busy, the text read-only (so nothing
	 * typed meanwhile is cleared with the sent text).  label: the button's
	 * own text, put back after. */
	async function sending(form, btn, ta, label, fn) {
		const had = document.activeElement;
		form.setAttribute('aria-busy', 'true');
		btn.disabled = true;
		btn.textContent = 'Sending…';
		ta.readOnly = true;
		try {
			return await fn();
		} finally {
			form.removeAttribute('aria-busy');
			btn.disabled = false;
			btn.textContent = label;
			ta.readOnly = false;
			if (had && had !== document.body && focusLost()) focusQuiet(had);
		}
	}

	/* --- API ---------------------------------------------------------------- */

	class ApiError extends Error {
		constructor(status, code, message, body) {
			super(message);
			this.status = status;
			this.code = code;
			this.body = body;
		}
	}

	/* A send still queued when the gateway stopped waiting (202): it goes
	 * on; the message log shows its outcome. */
	function queuedText(r) {
		return 'Queued for ' + dash(r.to) + ' (' + dash(r.id) + '): the provider has not answered yet;' +
			' the message log shows when it is sent.';
	}

	/* opts: operator (send X-Ibiki-Client when an admin acts for a client),
	 * idempotent (send a fresh Idempotency-Key), login (a 401 is the
	 * caller's: no "session ended"). */
	async function api(method, path, body, opts) {
		const o = opts || {};
		const headers = { Accept: 'application/json' };
		if (body !== undefined) headers['Content-Type'] = 'application/json';
		if (o.operator && session && session.role === 'admin' && acting) headers['X-Ibiki-Client'] = String(acting.id);
		if (o.idempotent) headers['Idempotency-Key'] = newIdemKey();
		let res;
		try {
			res = await fetch(path, {
				method,
				headers,
				credentials: 'same-origin',
				cache: 'no-store',
				body: body === undefined ? undefined : JSON.stringify(body),
			});
		} catch (e) {
			throw new ApiError(0, 'network_error', 'Cannot reach the server: ' + e.message, null);
		}
		const date = Date.parse(res.headers.get('Date') || '');
		if (!Number.isNaN(date)) serverSkew = date - Date.now();
		let data = null;
		const text = await res.text();
		if (text) {
			try {
				data = JSON.parse(text);
			} catch {
				data = null;
			}
		}
		if (!res.ok) {
			const code = (data && data.error) || 'http_' + res.status;
			const msg = (data && data.message) || 'Request failed (HTTP ' + res.status + ')';
			const err = new ApiError(res.status, code, msg, data);
			if (res.status === 401 && !o.login) {
				/* The server's text ("Missing credentials: ...") means nothing
				 * to an operator: sessionEnded says it plainly. */
				err.handled = true;
				sessionEnded();
			}
			throw err;
		}
		return data || {};
	}

	const opApi = (method, path, body, opts) => api(method, path, body, Object.assign({ operator: true }, opts));
	const enc = encodeURIComponent; /* "+" becomes %2B */

	/* --- session and views -------------------------------------------------- */

	function show(name) {
		view = name;
		for (const v of ['login', 'admin', 'operator']) $('view-' + v).hidden = v !== name;
		$('who').hidden = name === 'login';
		$('acting').hidden = !(name === 'operator' && session && session.role === 'admin' && acting);
		if (name !== 'operator') {
			stopTimer();
			document.title = 'Ibiki';
		}
	}

	/* The session as kept in memory, from /api/auth/me (or the login answer). */
	function sessionFrom(r) {
		const orNull = (v) => (v === undefined ? null : v);
		return {
			role: r.role,
			username: r.username,
			displayName: orNull(r.displayName),
			clientId: orNull(r.clientId),
			clientName: orNull(r.clientName),
			expiresAt: orNull(r.expiresAt),
		};
	}

	/* When the token expires (the server would answer 401 from then on),
	 * asks the server again: another tab may have logged in since, with a
	 * newer cookie.  Measured on the server's clock.  Longer than
	 * setTimeout can wait: it waits its longest, then arms again. */
	function armExpiry() {
		clearTimeout(expiryTimer);
		expiryTimer = null;
		const at = session && session.expiresAt ? Date.parse(session.expiresAt) : NaN;
		if (Number.isNaN(at)) return;
		const ms = at - (Date.now() + serverSkew) + 500;
		if (ms > MAX_TIMER_MS) {
			expiryTimer = setTimeout(armExpiry, MAX_TIMER_MS);
			return;
		}
		expiryTimer = setTimeout(() => {
			expiryTimer = null;
			checkSession('expiry');
		}, Math.max(0, ms));
	}

	function clearSession() {
		checkSeq++;
		session = null;
		acting = null;
		clearTimeout(expiryTimer);
		expiryTimer = null;
		store.set(ACTING_KEY, null);
		resetOperator();
		resetAdmin();
	}

	/* The login view; msg (optional) above the form.  The focus goes to the
	 * Username field. */
	function showLogin(msg) {
		show('login');
		history.replaceState(null, '', '/');
		const m = $('login-msg');
		m.textContent = msg || '';
		m.hidden = !msg;
		$('login-user').focus();
	}

	/* Any 401 outside the login, and the expiry timer. */
	function sessionEnded() {
		if (view === 'login') return;
		clearSession();
		hideNotice();
		showLogin(ENDED_TEXT);
	}

	/* The header's "name · role · client". */
	function showWho() {
		const who = session.displayName || session.username;
		$('who-name').textContent = who + ' · ' + session.role + (session.clientName ? ' · ' + session.clientName : '');
	}

	/* Shows the dashboard of session s (set it first). */
	function enter(s) {
		checkSeq++;
		session = s;
		if (session.role !== 'admin') {
			acting = null;
			store.set(ACTING_KEY, null);
		}
		armExpiry();
		showWho();
		if (session.role === 'admin' && !acting) return showAdmin();
		if (session.role === 'admin' || session.role === 'operator') return showOperator();
		clearSession();
		return showLogin('This account has no dashboard.');
	}

	/* On load: the cookie decides (another tab may have logged in). */
	async function start() {
		store.set(LEGACY_SESSION_KEY, null);
		acting = store.get(ACTING_KEY);
		const seq = ++checkSeq;
		let me;
		try {
			me = await api('GET', '/api/auth/me', undefined, { login: true });
		} catch (e) {
			if (seq !== checkSeq) return;
			acting = null;
			showLogin();
			if (e.status === 0 || e.status >= 500) fail(e);
			return;
		}
		if (seq !== checkSeq) return;
		enter(sessionFrom(me));
	}

	/* The same account: username, role and client. */
	const sameAccount = (a, b) => !!a && !!b && a.username === b.username && a.role === b.role && a.clientId === b.clientId;

	/* Asks /api/auth/me again: the cookie is shared by the browser's tabs,
	 * and another one may have logged in or out.  The same account goes on
	 * (its expiry timer armed again); another one is this tab's session
	 * from now on, entered as on load; none (401) ends it here.  why:
	 * 'expiry' (the token's time is up: anything but a later session ends
	 * it), 'focus' (focus or visibility: at most every CHECK_MS), 'peer'
	 * (another tab's login or logout). */
	async function checkSession(why) {
		if (view === null || authBusy) return; /* start() or login()/logout() decides */
		if (why === 'focus') {
			if (Date.now() - lastFocusCheck < CHECK_MS) return;
			lastFocusCheck = Date.now();
		}
		const seq = ++checkSeq;
		let me;
		try {
			me = await api('GET', '/api/auth/me', undefined, { login: true });
		} catch (e) {
			if (seq !== checkSeq || authBusy) return;
			/* a server out of reach says nothing about the session, but at
			 * its expiry the token is dead: the server would refuse it */
			if (e.status === 401 || why === 'expiry') sessionEnded();
			return;
		}
		if (seq !== checkSeq || authBusy) return;
		const s = sessionFrom(me);
		if (sameAccount(session, s)) {
			const later = Date.parse(s.expiresAt) > Date.parse(session.expiresAt);
			if (why === 'expiry' && !later) {
				sessionEnded();
				return;
			}
			session = s;
			showWho();
			armExpiry();
			return;
		}
		/* another account (or one at all, after the login view) */
		if (session) {
			clearSession();
			hideNotice();
		}
		$('login-pass').value = '';
		enter(s);
	}

	/* Tells the browser's other tabs to ask /api/auth/me again. */
	function broadcast(type) {
		if (!channel) return;
		try {
			channel.postMessage({ type });
		} catch {
			/* a closed channel: the other tabs notice on focus */
		}
	}

	/* Another tab's login or logout, focus and visibility: check the session. */
	function watchSession() {
		if (typeof BroadcastChannel === 'function') {
			try {
				channel = new BroadcastChannel('ibiki-session');
				channel.addEventListener('message', () => checkSession('peer'));
			} catch {
				channel = null;
			}
		}
		document.addEventListener('visibilitychange', () => {
			if (!document.hidden) checkSession('focus');
		});
		window.addEventListener('focus', () => checkSession('focus'));
	}

	async function login(ev) {
		ev.preventDefault();
		const btn = ev.submitter || $('login-form').querySelector('button');
		authBusy = true;
		checkSeq++; /* a check under way answers for the cookie before this login */
		await busy(btn, async () => {
			const r = await api('POST', '/api/auth/login', {
				username: $('login-user').value.trim(),
				password: $('login-pass').value,
			}, { login: true });
			/* The token stays in the HttpOnly cookie.  /api/auth/me adds the
			 * display and client names; without it the login answer does. */
			let me = null;
			try {
				me = await api('GET', '/api/auth/me', undefined, { login: true });
			} catch {
				me = null;
			}
			$('login-pass').value = '';
			$('login-msg').hidden = true;
			hideNotice();
			store.set(ACTING_KEY, null);
			acting = null;
			authBusy = false;
			enter(sessionFrom(Object.assign({}, r, me || {})));
			broadcast('login');
		});
		authBusy = false;
	}

	async function logout() {
		authBusy = true;
		checkSeq++;
		try {
			await api('POST', '/api/auth/logout', undefined, { login: true });
		} catch {
			/* the cookie is short-lived anyway; forget the session regardless */
		}
		authBusy = false;
		clearSession();
		hideNotice();
		showLogin('You are logged out.');
		broadcast('logout');
	}

	/* --- admin: clients ----------------------------------------------------- */

	const admin = {
		rows: new Map(), clients: new Map(), openId: null, clientsSeq: 0,
		detailSeq: 0, dlvSeq: 0, accSeq: 0, accBlock: null, accList: null,
	};

	function resetAdmin() {
		admin.clientsSeq++;
		admin.rows.clear();
		admin.clients.clear();
		admin.openId = null;
		$('clients-body').replaceChildren();
		closeDetails();
	}

	function showAdmin() {
		show('admin');
		history.replaceState(null, '', '#clients');
		$('admin-h').focus();
		loadClients().catch(fail);
	}

	async function loadClients() {
		const seq = ++admin.clientsSeq;
		const r = await api('GET', '/api/admin/clients');
		if (seq !== admin.clientsSeq) return;
		const list = r.clients || [];
		const body = $('clients-body');
		keepFocus(body, () => {
			admin.rows.clear();
			admin.clients.clear();
			body.replaceChildren(...list.map(clientRow));
		}, $('admin-h'));
		$('clients-empty').hidden = list.length > 0;
		if (admin.openId !== null && !admin.clients.has(admin.openId)) closeDetails();
	}

	/* The warnings of a client (warnings[].message), one line. */
	const warningText = (c) => (c.warnings || []).map((w) => w.message).filter(Boolean).join(' ');

	/* One row of the client table.  Every control's accessible name says
	 * which client it acts on; updateRow keeps them right after a rename. */
	function clientRow(c) {
		const id = c.id;
		const refs = { modeBtns: new Map() };
		const key = (k) => 'c' + id + '-' + k;

		refs.nameText = el('span', { class: 'client-name' });
		refs.rename = el('input', {
			type: 'text', maxLength: 200, autocomplete: 'off', spellcheck: false, required: true, key: key('rename'),
		});
		const renameBtn = el('button', { type: 'submit', text: 'Rename', key: key('rename-btn') });
		const renameForm = el('form', {
			class: 'rename-form',
			on: { submit: (e) => { e.preventDefault(); renameClient(id, refs, renameBtn); } },
		}, refs.rename, renameBtn);

		refs.status = el('span', null);
		refs.toggle = el('button', { type: 'button', key: key('status'), on: { click: (e) => setClientStatus(id, e.currentTarget) } });

		refs.modes = el('div', { class: 'seg', role: 'group' });
		for (const [m, label] of MODES) {
			const b = el('button', {
				type: 'button',
				text: label,
				key: key('mode-' + m),
				on: { click: (e) => setMode(id, m, e.currentTarget) },
			});
			refs.modeBtns.set(m, b);
			refs.modes.append(b);
		}
		refs.warn = el('p', { class: 'warn client-warn', role: 'status' });

		refs.url = el('input', {
			type: 'url',
			placeholder: 'https://example.com/sms',
			autocomplete: 'off',
			spellcheck: false,
			maxLength: 2048,
			key: key('url'),
		});
		refs.secret = el('input', {
			type: 'password',
			autocomplete: 'new-password',
			spellcheck: false,
			maxLength: 128,
			key: key('secret'),
		});
		const save = el('button', { type: 'submit', text: 'Save', key: key('save') });
		const form = el('form', {
			class: 'webhook-form',
			on: { submit: (e) => { e.preventDefault(); saveWebhook(id, refs, save); } },
		},
		/* tells password managers (and Chrome's form check) whose secret this is */
		el('input', { type: 'text', autocomplete: 'username', value: 'webhook-client-' + id, readOnly: true, hidden: true, tabIndex: -1 }),
		refs.url, refs.secret, save);

		refs.badge = el('span', null);
		refs.removeHook = el('button', {
			type: 'button', class: 'danger', text: 'Remove webhook', key: key('unhook'),
			on: { click: (e) => removeWebhook(id, e.currentTarget) },
		});
		const rotate = el('button', { type: 'button', text: 'Rotate secret', key: key('rotate'), on: { click: (e) => rotateSecret(id, e.currentTarget) } });
		refs.details = el('button', {
			type: 'button',
			text: 'Details',
			key: key('details'),
			'aria-expanded': 'false',
			'aria-controls': 'client-details',
			on: { click: () => toggleDetails(id) },
		});
		const inbox = el('button', { type: 'button', text: 'Open inbox', key: key('inbox'), on: { click: () => openInboxFor(id) } });

		refs.tr = el('tr', { 'data-client-id': id },
			el('td', { 'data-label': 'ID', text: String(id) }),
			el('td', { 'data-label': 'Name' }, refs.nameText, renameForm),
			el('td', { 'data-label': 'Status' }, el('div', { class: 'cell-stack' }, refs.status, refs.toggle)),
			el('td', { 'data-label': 'Delivery mode' }, refs.modes, refs.warn),
			el('td', { 'data-label': 'Webhook URL and secret' }, form),
			el('td', { 'data-label': 'Webhook' }, el('div', { class: 'cell-stack' }, refs.badge, refs.removeHook)),
			el('td', { 'data-label': 'Actions', class: 'actions' }, rotate, refs.details, inbox));
		admin.rows.set(id, refs);
		updateRow(c);
		return refs.tr;
	}

	function updateRow(c) {
		const r = admin.rows.get(c.id);
		admin.clients.set(c.id, c);
		if (!r) return;
		const wh = c.webhook || {};
		const n = c.name;
		r.nameText.textContent = n;
		r.rename.setAttribute('aria-label', 'Rename ' + n);
		if (document.activeElement !== r.rename) r.rename.value = n;
		r.status.replaceChildren(pill(c.status));
		const disabled = c.status === 'disabled';
		r.toggle.textContent = disabled ? 'Enable' : 'Disable';
		r.toggle.setAttribute('aria-label', (disabled ? 'Enable ' : 'Disable ') + n);
		r.toggle.className = disabled ? '' : 'danger';
		r.modes.setAttribute('aria-label', 'Delivery mode for ' + n);
		for (const [m, b] of r.modeBtns) b.setAttribute('aria-pressed', String(c.deliveryMode === m));
		const warn = warningText(c);
		r.warn.textContent = warn;
		r.warn.hidden = !warn;
		r.url.setAttribute('aria-label', 'Webhook URL for ' + n);
		r.secret.setAttribute('aria-label', 'Webhook secret for ' + n + ' (16 to 128 characters; empty keeps it, or generates one)');
		if (document.activeElement !== r.url) r.url.value = wh.url || '';
		r.secret.placeholder = wh.secretSet ? 'Secret set (empty: keep)' : 'Secret (empty: generate)';
		r.badge.textContent = wh.configured ? 'Configured' : 'Not set';
		r.badge.className = 'badge ' + (wh.configured ? 'badge-ok' : 'badge-off');
		r.removeHook.setAttribute('aria-label', 'Remove webhook of ' + n);
		r.removeHook.disabled = !wh.url && !wh.secretSet && !wh.configured;
		r.details.setAttribute('aria-expanded', String(admin.openId === c.id));
	}

	const clientName = (id) => (admin.clients.get(id) || { name: 'client #' + id }).name;

	/* Reloads one client (row and, when open, details). */
	async function refreshClient(id) {
		const d = await api('GET', '/api/admin/clients/' + id);
		updateRow(d);
		if (admin.openId === id) renderDetails(d);
		return d;
	}

	/* After a change answered with the client: the row now, the details
	 * (routes, keys, health) reloaded when open. */
	async function changed(r) {
		updateRow(r);
		if (admin.openId === r.id) await refreshClient(r.id);
	}

	async function createClient(ev) {
		ev.preventDefault();
		const input = $('client-name');
		await busy(ev.submitter, async () => {
			const c = await api('POST', '/api/admin/clients', { name: input.value.trim() });
			input.value = '';
			$('clients-body').append(clientRow(c));
			$('clients-empty').hidden = true;
			notify('Client "' + c.name + '" created (#' + c.id + ').');
		});
	}

	async function renameClient(id, refs, btn) {
		const name = refs.rename.value.trim();
		const old = clientName(id);
		if (name === old) {
			notify('The name is already "' + old + '".');
			return;
		}
		await busy(btn, async () => {
			const r = await api('PATCH', '/api/admin/clients/' + id, { name });
			refs.rename.value = r.name;
			if (acting && acting.id === id) acting = { id, name: r.name };
			notify('Client "' + old + '" renamed to "' + r.name + '".');
			await changed(r);
		});
	}

	async function setClientStatus(id, btn) {
		const c = admin.clients.get(id);
		const next = c && c.status === 'disabled' ? 'active' : 'disabled';
		await busy(btn, async () => {
			const r = await api('PATCH', '/api/admin/clients/' + id, { status: next });
			notify(next === 'disabled' ?
				'Client "' + r.name + '" disabled: its API keys and operators are refused, its routes route nothing.' :
				'Client "' + r.name + '" enabled again.');
			await changed(r);
		});
	}

	async function setMode(id, mode, btn) {
		const c = admin.clients.get(id);
		if (c && c.deliveryMode === mode) return;
		await busy(btn, async () => {
			const r = await api('POST', '/api/admin/clients/' + id + '/delivery-mode', { mode });
			updateRow(r);
			/* push without a webhook: the server's warning, visibly */
			const warn = warningText(r);
			const text = 'Delivery mode of ' + r.name + ': ' + mode + '.';
			if (warn) notify(text + ' ' + warn, 'warn');
			else notify(text);
			if (admin.openId === id) await refreshClient(id);
		});
	}

	function showOnce(title, value, note) {
		const d = $('once-dialog');
		$('once-title').textContent = title;
		$('once-note').textContent = note;
		$('once-value').value = value;
		if (typeof d.showModal === 'function') d.showModal();
		else d.setAttribute('open', '');
		$('once-value').select();
	}

	function closeOnce() {
		const d = $('once-dialog');
		$('once-value').value = '';
		if (typeof d.close === 'function') d.close();
		else d.removeAttribute('open');
	}

	async function copyOnce() {
		const v = $('once-value');
		try {
			await navigator.clipboard.writeText(v.value);
			notify('Copied to the clipboard.');
		} catch {
			v.select();
			notify('Copy failed: the value is selected, press Ctrl+C.', 'error');
		}
	}

	async function saveWebhook(id, refs, btn) {
		const body = { url: refs.url.value.trim() };
		if (refs.secret.value !== '') body.secret = refs.secret.value;
		await busy(btn, async () => {
			const r = await api('POST', '/api/admin/clients/' + id + '/webhook', body);
			refs.secret.value = '';
			if (r.secret) {
				showOnce('Webhook secret for ' + clientName(id), r.secret,
					'This secret was generated for you. Store it now: it will not be shown again.');
			} else {
				notify('Webhook of ' + clientName(id) + ' saved.');
			}
			await refreshClient(id);
		});
	}

	async function removeWebhook(id, btn) {
		const name = clientName(id);
		if (!confirm('Remove the webhook of ' + name + '? Push deliveries still pending end dead.')) return;
		await busy(btn, async () => {
			await api('DELETE', '/api/admin/clients/' + id + '/webhook');
			/* GET one surely carries warnings (push without a webhook now) */
			const c = await refreshClient(id);
			const warn = warningText(c);
			notify('Webhook of ' + name + ' removed.' + (warn ? ' ' + warn : ''), warn ? 'warn' : 'info');
		});
		/* busy enabled it again: the row says whether there is anything to remove */
		const c = admin.clients.get(id);
		if (c) updateRow(c);
		/* the button is disabled now: keep the focus in the row */
		const row = admin.rows.get(id);
		if (row && focusLost()) focusQuiet(row.url);
	}

	async function rotateSecret(id, btn) {
		const c = admin.clients.get(id);
		if (c && !(c.webhook && c.webhook.configured)) {
			notify('Set a webhook URL for ' + c.name + ' first.', 'error');
			return;
		}
		if (!confirm('Rotate the webhook secret of ' + clientName(id) + '? The current secret stops working.')) return;
		await busy(btn, async () => {
			const r = await api('POST', '/api/admin/clients/' + id + '/webhook', { rotateSecret: true });
			if (r.secret) {
				showOnce('New webhook secret for ' + clientName(id), r.secret,
					'Store it now: it will not be shown again. The old secret no longer verifies.');
			} else {
				notify('Secret rotated.');
			}
			await refreshClient(id);
		});
	}

	function openInboxFor(id) {
		acting = { id, name: clientName(id) };
		store.set(ACTING_KEY, acting);
		resetOperator();
		showOperator();
	}

	/* --- admin: client details ---------------------------------------------- */

	function toggleDetails(id) {
		if (admin.openId === id) {
			closeDetails();
			return;
		}
		openDetails(id);
	}

	function openDetails(id) {
		admin.openId = id;
		for (const [cid, r] of admin.rows) r.details.setAttribute('aria-expanded', String(cid === id));
		$('details-h').textContent = clientName(id) + ' (#' + id + ')';
		$('details-body').replaceChildren(el('p', { class: 'muted', text: 'Loading…' }));
		$('deliveries-body').replaceChildren();
		/* The accounts block lives as long as the details are open: the
		 * client's reloads re-render the rest around it. */
		admin.accBlock = accountsBlock(id);
		$('client-details').hidden = false;
		$('client-details').scrollIntoView({ behavior: 'smooth', block: 'start' });
		refreshClient(id).catch(fail);
		loadDeliveries(id).catch(fail);
		loadAccounts(id).catch(fail);
	}

	function closeDetails() {
		const wasOpen = admin.openId;
		admin.openId = null;
		admin.accBlock = null;
		admin.accList = null;
		for (const r of admin.rows.values()) r.details.setAttribute('aria-expanded', 'false');
		const inside = $('client-details').contains(document.activeElement);
		$('client-details').hidden = true;
		$('details-body').replaceChildren();
		$('deliveries-body').replaceChildren();
		/* "Close details" had the focus: back to the row's Details button */
		const row = wasOpen !== null ? admin.rows.get(wasOpen) : null;
		if (inside && row) focusQuiet(row.details);
	}

	function renderDetails(d) {
		if (admin.openId !== d.id) return;
		const wh = d.webhook || {};
		const h = d.deliveryHealth || {};
		const last = h.lastDelivery;
		let lastText = 'None yet';
		if (last) {
			const err = attemptError(last.error, last.httpStatus);
			lastText = fmtTime(last.at) + ': ' + (last.ok ? 'OK' : 'failed') +
				(last.httpStatus ? ' (HTTP ' + last.httpStatus + ')' : '') +
				(err ? ', ' + err : '');
		}
		$('details-h').textContent = d.name + ' (#' + d.id + ')';

		const warnings = el('div', { class: 'client-warnings' },
			(d.warnings || []).filter((w) => w && w.message).map((w) => el('p', { class: 'warn', role: 'status', text: w.message })));

		const overview = el('div', { class: 'cols' },
			el('div', null,
				el('h4', { text: 'Client' }),
				el('dl', { class: 'facts' },
					fact('Status', d.status),
					fact('Delivery mode', d.deliveryMode),
					fact('Webhook URL', wh.url),
					fact('Webhook secret', wh.secretSet ? 'Set' : 'Not set'),
					fact('Created', fmtTime(d.createdAt)),
					fact('Updated', fmtTime(d.updatedAt)))),
			el('div', null,
				el('h4', { text: 'Delivery health' }),
				el('dl', { class: 'facts' },
					fact('Pending', h.pending),
					fact('Dead', h.dead),
					fact('Delivered', h.delivered),
					fact('Endpoint disabled', yesNo(h.endpointDisabled)),
					fact('Last delivery', lastText))));

		const body = $('details-body');
		keepFocus(body, () => {
			body.replaceChildren(warnings, overview, routesBlock(d), keysBlock(d), admin.accBlock || el('span'));
		}, $('details-h'));
	}

	function labelled(id, text, input) {
		input.id = id;
		return el('span', { class: 'field' }, el('label', { for: id, text }), input);
	}

	/* Tables in the details scroll inside the card on wide screens. */
	const wrap = (t) => el('div', { class: 'table-wrap' }, t);

	/* A route's rate: messages per second (empty: the gateway's default,
	 * 0: unthrottled), saved with PATCH .../routes/{id}. */
	function rateForm(d, r) {
		const id = 'd-route-mps-' + r.id;
		const input = el('input', {
			type: 'number', min: 0, max: 100000, step: 1, class: 'mps', key: 'route-mps-' + r.id,
			placeholder: 'default', 'aria-label': 'Messages per second of route ' + r.id,
		});
		input.id = id;
		if (r.mps !== null && r.mps !== undefined) input.value = String(r.mps);
		const save = el('button', { type: 'submit', text: 'Set', key: 'route-mps-set-' + r.id });
		return el('form', {
			class: 'inline',
			on: {
				submit: async (e) => {
					e.preventDefault();
					const v = input.value.trim();
					await busy(save, async () => {
						await api('PATCH', '/api/admin/clients/' + d.id + '/routes/' + r.id,
							{ mps: v === '' ? null : Number(v) });
						notify('Route ' + r.id + ': ' + (v === '' ? 'default rate' :
							v === '0' ? 'unthrottled' : v + ' messages per second') + '.');
						await refreshClient(d.id);
					});
				},
			},
		}, input, save);
	}

	function deleteRouteButton(d, r) {
		const b = el('button', {
			type: 'button',
			class: 'danger',
			text: 'Delete',
			key: 'route-del-' + r.id,
			'aria-label': 'Delete route ' + r.id,
			on: {
				click: async () => {
					const what = r.provider === 'extreme' ? 'usemodem ' + r.usemodem + ', port ' + r.port : dash(r.number);
					if (!confirm('Delete route ' + r.id + ' (' + what + ') of ' + d.name +
						'? Inbound messages to it are stored unrouted from then on.')) return;
					await busy(b, async () => {
						await api('DELETE', '/api/admin/clients/' + d.id + '/routes/' + r.id);
						notify('Route ' + r.id + ' of ' + d.name + ' deleted.');
						await refreshClient(d.id);
					});
					if (focusLost()) focusQuiet($('details-h')); /* the route's row is gone */
				},
			},
		});
		return b;
	}

	function routesBlock(d) {
		const provider = el('select', { key: 'route-provider' },
			el('option', { value: 'twilio', text: 'Twilio' }),
			el('option', { value: 'extreme', text: 'Extreme (modem/port)' }));
		const number = el('input', { placeholder: '+12025550100', inputMode: 'tel', autocomplete: 'off', maxLength: 16, key: 'route-number' });
		const modem = el('input', { type: 'number', min: 0, max: 9999, step: 1, key: 'route-modem' });
		const port = el('input', { type: 'number', min: 0, max: 9999, step: 1, key: 'route-port' });
		const modemField = labelled('d-route-modem', 'usemodem', modem);
		const portField = labelled('d-route-port', 'port', port);
		const numberField = labelled('d-route-number', 'Number', number);
		const numberLabel = numberField.querySelector('label');
		const sync = () => {
			const ext = provider.value === 'extreme';
			modemField.hidden = !ext;
			portField.hidden = !ext;
			modem.required = ext;
			port.required = ext;
			number.required = !ext;
			numberLabel.textContent = ext ? 'Number (optional)' : 'Number';
		};
		provider.addEventListener('change', sync);
		sync();
		const submit = el('button', { type: 'submit', class: 'primary', text: 'Add route', key: 'route-add' });
		const form = el('form', {
			class: 'inline',
			on: {
				submit: async (e) => {
					e.preventDefault();
					const body = { provider: provider.value };
					const num = number.value.trim();
					if (provider.value === 'twilio') {
						body.number = num;
					} else {
						body.usemodem = Number(modem.value);
						body.port = Number(port.value);
						if (num) body.number = num;
					}
					await busy(submit, async () => {
						await api('POST', '/api/admin/clients/' + d.id + '/routes', body);
						notify('Route added to ' + d.name + '.');
						await refreshClient(d.id);
					});
				},
			},
		}, labelled('d-route-provider', 'Provider', provider), numberField, modemField, portField, submit);

		return el('div', { class: 'block' },
			el('h4', { text: 'Routes' }),
			wrap(table('Routes of ' + d.name, [
				['ID', (r) => r.id],
				['Provider', (r) => r.provider],
				['Number', (r) => r.number],
				['usemodem', (r) => r.usemodem],
				['port', (r) => r.port],
				['Rate (msg/s)', (r) => rateForm(d, r)],
				['Created', (r) => fmtTime(r.createdAt)],
				['', (r) => deleteRouteButton(d, r)],
			], d.routes, 'No routes: inbound messages cannot reach this client yet.')),
			form);
	}

	function keysBlock(d) {
		const label = el('input', { maxLength: 200, autocomplete: 'off', key: 'key-label' });
		const submit = el('button', { type: 'submit', class: 'primary', text: 'Issue API key', key: 'key-issue' });
		const form = el('form', {
			class: 'inline',
			on: {
				submit: async (e) => {
					e.preventDefault();
					const l = label.value.trim();
					await busy(submit, async () => {
						const r = await api('POST', '/api/admin/clients/' + d.id + '/api-keys', l ? { label: l } : {});
						label.value = '';
						showOnce('API key for ' + d.name + (r.label ? ' (' + r.label + ')' : ''), r.key,
							(r.note || 'Store this key now.') + ' It will not be shown again.');
						await refreshClient(d.id);
					});
				},
			},
		}, labelled('d-key-label', 'Label (optional)', label), submit);

		const revoke = (k) => {
			if (k.status !== 'active') return null;
			const b = el('button', {
				type: 'button',
				class: 'danger',
				text: 'Revoke',
				key: 'key-revoke-' + k.id,
				'aria-label': 'Revoke key ' + k.prefix,
				on: {
					click: async () => {
						if (!confirm('Revoke API key ' + k.prefix + '…? Systems using it stop working at once.')) return;
						await busy(b, async () => {
							await api('DELETE', '/api/admin/clients/' + d.id + '/api-keys/' + k.id);
							notify('Key ' + k.prefix + '… revoked.');
							await refreshClient(d.id);
						});
						if (focusLost()) focusQuiet($('details-h')); /* the button is gone */
					},
				},
			});
			return b;
		};

		return el('div', { class: 'block' },
			el('h4', { text: 'API keys' }),
			wrap(table('API keys of ' + d.name, [
				['ID', (k) => k.id],
				['Prefix', (k) => el('code', { text: k.prefix + '…' })],
				['Label', (k) => k.label],
				['Status', (k) => pill(k.status)],
				['Created', (k) => fmtTime(k.createdAt)],
				['Revoked', (k) => (k.revokedAt ? fmtTime(k.revokedAt) : null)],
				['', (k) => revoke(k) || el('span')],
			], d.apiKeys, 'No API keys.')),
			form);
	}

	/* The client's operator accounts (GET /api/admin/accounts?clientId=),
	 * with disable/enable and a password reset each, and the form for a new
	 * one.  Built once per opened client (admin.accBlock). */
	function accountsBlock(id) {
		admin.accList = el('div', { class: 'table-wrap' }, el('p', { class: 'muted', text: 'Loading…' }));
		const user = el('input', { autocomplete: 'off', required: true, minLength: 3, maxLength: 64, spellcheck: false });
		const pass = el('input', { type: 'password', autocomplete: 'new-password', required: true, minLength: 12, maxLength: 1024 });
		const submit = el('button', { type: 'submit', class: 'primary', text: 'Create operator' });
		const form = el('form', {
			class: 'inline',
			on: {
				submit: async (e) => {
					e.preventDefault();
					await busy(submit, async () => {
						const r = await api('POST', '/api/admin/accounts', {
							username: user.value.trim(),
							password: pass.value,
							role: 'operator',
							clientId: id,
						});
						user.value = '';
						pass.value = '';
						notify('Operator account "' + r.username + '" created for ' + clientName(id) + '.');
						await loadAccounts(id);
					});
				},
			},
		}, labelled('d-acc-user', 'Username', user), labelled('d-acc-pass', 'Password (12+ characters)', pass), submit);
		return el('div', { class: 'block' },
			el('h4', { text: 'Operator accounts' }),
			admin.accList,
			el('h4', { text: 'New operator account' }),
			form);
	}

	async function loadAccounts(id) {
		const seq = ++admin.accSeq;
		const r = await api('GET', '/api/admin/accounts?clientId=' + id);
		if (seq !== admin.accSeq || admin.openId !== id || !admin.accList) return;
		const list = (r.accounts || []).filter((a) => a.role !== 'admin');
		const box = admin.accList;
		keepFocus(box, () => box.replaceChildren(table('Operator accounts of ' + clientName(id), [
			['Username', (a) => a.username],
			['Display name', (a) => a.displayName],
			['Status', (a) => pill(a.status)],
			['Created', (a) => fmtTime(a.createdAt)],
			['', (a) => accountStatusButton(id, a)],
			['Password', (a) => passwordForm(a)],
		], list, 'No operator accounts yet: create one below.')), $('details-h'));
	}

	function accountStatusButton(id, a) {
		const next = a.status === 'disabled' ? 'active' : 'disabled';
		const verb = next === 'active' ? 'Enable' : 'Disable';
		const b = el('button', {
			type: 'button',
			class: next === 'disabled' ? 'danger' : null,
			text: verb,
			key: 'acc-status-' + a.id,
			'aria-label': verb + ' ' + a.username,
			on: {
				click: async () => {
					await busy(b, async () => {
						await api('PATCH', '/api/admin/accounts/' + a.id, { status: next });
						notify(next === 'disabled' ?
							'Account "' + a.username + '" disabled: its sessions are refused from its next request on.' :
							'Account "' + a.username + '" enabled again.');
						await loadAccounts(id);
					});
				},
			},
		});
		return b;
	}

	/* "New password for <username>" and "Reset password".  The hidden
	 * username field tells password managers whose password it is. */
	function passwordForm(a) {
		const pid = 'd-acc-pw-' + a.id;
		const pw = el('input', {
			type: 'password', autocomplete: 'new-password', minLength: 12, maxLength: 1024, required: true,
			key: 'acc-pw-' + a.id,
		});
		pw.id = pid;
		const btn = el('button', { type: 'submit', text: 'Reset password', key: 'acc-pw-btn-' + a.id });
		return el('form', {
			class: 'pw-form',
			on: {
				submit: async (e) => {
					e.preventDefault();
					const n = chars(pw.value);
					if (n < 12) {
						notify('A password has at least 12 characters (this one has ' + n + ').', 'error');
						pw.focus();
						return;
					}
					await busy(btn, async () => {
						await api('PATCH', '/api/admin/accounts/' + a.id, { password: pw.value });
						pw.value = '';
						notify('Password of "' + a.username + '" reset: it applies from the next login.');
					});
				},
			},
		},
		el('input', { type: 'text', autocomplete: 'username', value: a.username, readOnly: true, hidden: true, tabIndex: -1 }),
		el('label', { for: pid, class: 'sr-only', text: 'New password for ' + a.username }),
		pw, btn);
	}

	async function loadDeliveries(id) {
		const seq = ++admin.dlvSeq;
		const r = await api('GET', '/api/admin/clients/' + id + '/deliveries?limit=50');
		if (seq !== admin.dlvSeq || admin.openId !== id) return;
		const log = (dv) => {
			const entries = dv.attemptLog || [];
			if (entries.length === 0) return null;
			return el('details', null,
				el('summary', { text: plural(entries.length, 'attempt', 'attempts') }),
				el('ol', { class: 'attempts' }, entries.map((a) => {
					const err = attemptError(a.error, a.httpStatus);
					return el('li', {
						text: '#' + a.attempt + ' ' + fmtTime(a.at) + ': ' + dash(a.outcome) +
							(a.httpStatus ? ', HTTP ' + a.httpStatus : '') +
							(a.durationMs !== undefined && a.durationMs !== null ? ', ' + a.durationMs + ' ms' : '') +
							(err ? ', ' + err : ''),
					});
				})));
		};
		const action = (dv) => {
			if (dv.status !== 'dead' && dv.status !== 'delivered') return null;
			const b = el('button', {
				type: 'button',
				text: 'Redeliver',
				key: 'dlv-' + dv.id,
				'aria-label': 'Redeliver ' + dv.id,
				on: {
					click: async () => {
						await busy(b, async () => {
							await api('POST', '/api/admin/clients/' + id + '/deliveries/' + enc(dv.id) + '/redeliver');
							notify('Delivery ' + dv.id + ' queued again.');
							await Promise.all([loadDeliveries(id), refreshClient(id)]);
						});
					},
				},
			});
			return b;
		};
		const box = $('deliveries-body');
		keepFocus(box, () => box.replaceChildren(table('Webhook deliveries', [
			['ID', (x) => x.id],
			['Event', (x) => x.eventId],
			['Message', (x) => x.messageId],
			['Status', (x) => pill(x.status)],
			['Attempts', (x) => x.attempts],
			['Last HTTP', (x) => x.lastHttpStatus],
			['Last error', (x) => x.lastError, 'body'],
			['Updated', (x) => fmtTime(x.updatedAt)],
			['Log', (x) => log(x)],
			['', (x) => action(x) || el('span')],
		], r.deliveries, 'No deliveries yet.')), $('deliveries-reload'));
	}

	/* --- operator ----------------------------------------------------------- */

	const op = {
		tab: 'inbox', timer: null, inboxSeq: 0, threadSeq: 0, usersSeq: 0, activeSeq: 0,
		/* inbox: the conversations shown, in order; their rows by number */
		convs: [], convRows: new Map(), convNext: null, convOlder: false, q: '', searchTimer: null, unread: 0,
		/* thread: the number open, its messages (oldest first), their items by id */
		thread: null, info: null, msgs: [], msgRows: new Map(), msgNext: null,
		/* the reply typed but not sent, by number (kept while another thread is open) */
		drafts: new Map(),
	};

	function newLog() {
		return { page: 1, before: null, next: null, items: [], filters: [], seq: 0, busy: false, loaded: false };
	}
	const logs = { in: newLog(), out: newLog() };

	function resetOperator() {
		op.inboxSeq++;
		op.threadSeq++;
		op.usersSeq++;
		op.activeSeq++;
		clearTimeout(op.searchTimer);
		op.convs = [];
		op.convRows.clear();
		op.convNext = null;
		op.convOlder = false;
		op.q = '';
		op.unread = 0;
		$('conv-search').value = '';
		$('conv-status').textContent = '';
		$('conv-list').replaceChildren();
		$('conv-empty').hidden = true;
		$('conv-older').hidden = true;
		closeThread();
		op.drafts.clear(); /* another session or client: not its numbers */
		clearResult($('send-result'));
		for (const k of ['in', 'out']) {
			logs[k].seq++;
			logs[k] = newLog();
		}
		for (const id of ['in-phone', 'in-registered', 'out-phone', 'out-status', 'out-operator']) $(id).value = '';
		$('incoming-body').replaceChildren();
		$('outgoing-body').replaceChildren();
		pager('in');
		pager('out');
		$('users-body').replaceChildren();
		$('users-filter').value = 'all';
		const sel = $('send-user');
		while (sel.options.length > 1) sel.remove(1);
	}

	function showOperator() {
		show('operator');
		if (session.role === 'admin' && acting) {
			$('acting-name').textContent = acting.name + ' (#' + acting.id + ')';
			$('acting-user').textContent = session.username;
		}
		const h = location.hash.slice(1);
		selectTab(TABS.includes(h) ? h : 'inbox');
		startTimer();
	}

	function leaveActing() {
		acting = null;
		store.set(ACTING_KEY, null);
		resetOperator();
		showAdmin();
	}

	/* Shows a pane and moves the focus to its heading (a view change). */
	function selectTab(tab) {
		op.tab = tab;
		for (const b of document.querySelectorAll('[data-tab]')) b.setAttribute('aria-pressed', String(b.dataset.tab === tab));
		for (const p of document.querySelectorAll('[data-pane]')) p.hidden = p.dataset.pane !== tab;
		history.replaceState(null, '', '#' + tab);
		$('pane-' + tab + '-h').focus();
		refreshTab().catch(fail);
	}

	function refreshTab() {
		switch (op.tab) {
		case 'inbox':
			return Promise.all([loadInbox(), op.thread ? loadThread(op.thread) : null]);
		case 'send':
			return loadActiveUsers();
		case 'messages':
			return Promise.all([loadLog('in', 'current'), loadLog('out', 'current')]);
		case 'users':
			return loadUsers();
		default:
			return Promise.resolve();
		}
	}

	/* The timer's refresh: the inbox's first page and the open thread's
	 * newest page, or the log's newest messages; never the focus or the
	 * thread's scroll position. */
	function autoRefresh() {
		if (view !== 'operator' || document.hidden || !$('auto-refresh').checked) return;
		if (op.tab === 'inbox') refreshTab().catch(fail);
		else if (op.tab === 'messages') Promise.all([refreshIncoming(), refreshOutgoing()]).catch(fail);
	}

	function startTimer() {
		stopTimer();
		op.timer = setInterval(autoRefresh, REFRESH_MS);
	}

	function stopTimer() {
		if (op.timer !== null) clearInterval(op.timer);
		op.timer = null;
	}

	/* Inbox */

	/* "(N) Ibiki" while N messages are unread (over all conversations);
	 * "(N+) Ibiki" when the server stopped counting (capped). */
	function setUnread(u) {
		let n = u && typeof u.messages === 'number' ? u.messages : null;
		if (n === null) n = op.convs.reduce((s, c) => s + (c.unread || 0), 0); /* older servers */
		op.unread = n;
		document.title = n > 0 ? '(' + n + (u && u.capped ? '+' : '') + ') Ibiki' : 'Ibiki';
	}

	/* Page 1 of the list (or the search's results).  Older pages already
	 * loaded stay under it, without the conversations page 1 now has. */
	async function loadInbox() {
		const seq = ++op.inboxSeq;
		const q = op.q;
		const r = await opApi('GET', '/api/web/inbox?limit=' + PAGE + (q ? '&q=' + enc(q) : ''));
		if (seq !== op.inboxSeq || q !== op.q) return;
		const page = r.conversations || [];
		if (!q && op.convOlder) {
			const seen = new Set(page.map((c) => c.phoneNumber));
			op.convs = page.concat(op.convs.filter((c) => !seen.has(c.phoneNumber)));
		} else {
			op.convs = page;
			op.convNext = q ? null : r.next || null;
		}
		renderConvs();
		setUnread(r.unread);
		$('conv-status').textContent = q ? plural(page.length, 'conversation', 'conversations') + ' found' : '';
	}

	async function loadOlderConvs(btn) {
		const before = op.convNext;
		const q = op.q;
		let first = null;
		if (!before || q) return;
		await busy(btn, async () => {
			const r = await opApi('GET', '/api/web/inbox?limit=' + PAGE + '&before=' + enc(before));
			if (op.convNext !== before || op.q !== q) return;
			const seen = new Set(op.convs.map((c) => c.phoneNumber));
			const more = (r.conversations || []).filter((c) => !seen.has(c.phoneNumber));
			op.convs = op.convs.concat(more);
			op.convNext = r.next || null;
			op.convOlder = true;
			renderConvs();
			first = more.length ? op.convRows.get(more[0].phoneNumber) : null;
		});
		/* no older page left: the button is gone; the first new row (or the
		 * last one) takes the focus */
		if ($('conv-older').hidden && focusLost()) focusQuiet(first ? first.btn : lastConvButton());
	}

	function lastConvButton() {
		const li = $('conv-list').lastElementChild;
		return li ? li.querySelector('button') : $('conv-search');
	}

	/* Search: debounced; an empty box is the normal list again. */
	function searchInput() {
		clearTimeout(op.searchTimer);
		op.searchTimer = setTimeout(() => {
			const q = $('conv-search').value.trim();
			if (q === op.q) return;
			op.q = q;
			op.convOlder = false;
			op.convNext = null;
			loadInbox().catch(fail);
		}, SEARCH_MS);
	}

	/* The list, updated in place: each conversation keeps its <li> and
	 * button (data-phone) across refreshes, so the focus stays where it is. */
	function renderConvs() {
		const ul = $('conv-list');
		const active = document.activeElement;
		const focusedPhone = active && active.classList && active.classList.contains('conv') ? active.dataset.phone : null;
		const keep = new Set();
		let prev = null;
		for (const c of op.convs) {
			let row = op.convRows.get(c.phoneNumber);
			if (!row) {
				row = convRow(c.phoneNumber);
				op.convRows.set(c.phoneNumber, row);
			}
			fillConv(row, c);
			keep.add(c.phoneNumber);
			const want = prev ? prev.nextSibling : ul.firstChild;
			if (want !== row.li) ul.insertBefore(row.li, want);
			prev = row.li;
		}
		for (const [phone, row] of op.convRows) {
			if (keep.has(phone)) continue;
			row.li.remove();
			op.convRows.delete(phone);
		}
		/* moving a row can drop its focus: put it back */
		if (focusedPhone && document.activeElement !== active) {
			const row = op.convRows.get(focusedPhone);
			if (row) focusQuiet(row.btn);
			else focusQuiet(ul.querySelector('button.conv') || $('conv-search'));
		}
		const empty = $('conv-empty');
		empty.textContent = op.q ? 'No conversations match "' + op.q + '".' : 'No conversations yet.';
		empty.hidden = op.convs.length > 0;
		const older = $('conv-older');
		const hide = !op.convNext || !!op.q;
		if (hide && document.activeElement === older) focusQuiet(lastConvButton());
		older.hidden = hide;
	}

	function convRow(phone) {
		const btn = el('button', {
			type: 'button',
			class: 'conv',
			'data-phone': phone,
			on: { click: () => openThread(phone) },
		});
		return { li: el('li', null, btn), btn, sig: '' };
	}

	/* A conversation button's content: name (or number), number, state
	 * pills, unread count, last message, time.  Its accessible name starts
	 * with the name.  Rebuilt only when something shown changed. */
	function fillConv(row, c) {
		const current = c.phoneNumber === op.thread;
		const lm = c.lastMessage || {};
		const sig = JSON.stringify([c.name, c.registered, c.userStatus, c.optedOut, c.unread, c.messages,
			c.lastActivity, lm.direction, lm.message, current]);
		if (sig === row.sig) return;
		row.sig = sig;
		const b = row.btn;
		b.className = 'conv' + (current ? ' current' : '') + (c.unread > 0 ? ' unread' : '');
		if (current) b.setAttribute('aria-current', 'true');
		else b.removeAttribute('aria-current');
		b.replaceChildren(
			el('span', { class: 'conv-top' },
				el('span', { class: 'conv-who' },
					el('span', { class: 'conv-name', text: c.name || c.phoneNumber }),
					c.name ? el('span', { class: 'conv-num', text: c.phoneNumber }) : null,
					statePills(c)),
				c.unread > 0 ? el('span', { class: 'count' }, String(c.unread), el('span', { class: 'sr-only', text: ' unread' })) : null),
			el('span', { class: 'conv-last', text: (lm.direction === 'out' ? 'You: ' : '') + (lm.message || '') }),
			el('span', { class: 'conv-time', text: fmtTime(c.lastActivity) + ' · ' + plural(c.messages || 0, 'message', 'messages') }));
	}

	/* Thread */

	function closeThread() {
		const ta = $('reply-text');
		if (op.thread) {
			if (ta.value) op.drafts.set(op.thread, ta.value);
			else op.drafts.delete(op.thread);
		}
		ta.value = '';
		updateCounter(ta, $('reply-count'));
		op.threadSeq++;
		op.thread = null;
		op.info = null;
		op.msgs = [];
		op.msgRows.clear();
		op.msgNext = null;
		$('thread').hidden = true;
		$('thread-none').hidden = false;
		$('thread-msgs').replaceChildren();
		$('thread-older').hidden = true;
		blockReply(null);
		clearResult($('reply-result'));
	}

	/* "Conversation with <name> (<number>)", or with the number alone; x is
	 * the thread answer or the conversation (whichever is known). */
	function threadHead(phone, x) {
		const name = x && x.name;
		$('thread-h').textContent = 'Conversation with ' + (name ? name + ' (' + phone + ')' : phone);
		$('thread-pills').replaceChildren(...(x ? statePills(x, x.optOut) : []));
	}

	async function openThread(phone) {
		if (op.thread !== phone) {
			closeThread();
			op.thread = phone;
			const ta = $('reply-text');
			ta.value = op.drafts.get(phone) || '';
			updateCounter(ta, $('reply-count'));
			threadHead(phone, op.convs.find((c) => c.phoneNumber === phone));
			$('thread-none').hidden = true;
			$('thread').hidden = false;
		}
		renderConvs(); /* the current marker */
		/* Phones show the thread under the list: bring it into view. */
		if (phoneLayout()) {
			$('thread-col').scrollIntoView({ block: 'start' });
			focusQuiet($('thread-h'));
		}
		try {
			await loadThread(phone, true);
			await loadInbox(); /* unread counts changed */
		} catch (e) {
			fail(e);
		}
	}

	/* The thread's newest page, merged into what is shown: new messages
	 * at the end, changed ones (status) in place, older pages kept.  toEnd:
	 * scroll to the newest message; otherwise only when it was there. */
	async function loadThread(phone, toEnd) {
		const seq = ++op.threadSeq;
		const r = await opApi('GET', '/api/web/inbox/' + enc(phone) + '?limit=' + PAGE);
		if (seq !== op.threadSeq || op.thread !== phone) return;
		const box = $('thread-msgs');
		const atEnd = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
		const page = r.messages || [];
		const have = new Set(op.msgs.map((m) => m.id));
		if (op.msgs.length === 0 || (page.length > 0 && !have.has(page[0].id))) {
			/* first load, or more new messages than a page: start again from this page */
			op.msgs = page;
			op.msgNext = r.next || null;
		} else {
			const byId = new Map(page.map((m) => [m.id, m]));
			op.msgs = op.msgs.map((m) => byId.get(m.id) || m).concat(page.filter((m) => !have.has(m.id)));
		}
		op.info = r;
		threadHead(phone, r);
		renderMsgs();
		if (toEnd || atEnd) box.scrollTop = box.scrollHeight;
		blockReply(r);
	}

	async function loadOlderMsgs(btn) {
		const phone = op.thread;
		const before = op.msgNext;
		if (!phone || !before) return;
		await busy(btn, async () => {
			const r = await opApi('GET', '/api/web/inbox/' + enc(phone) + '?limit=' + PAGE + '&before=' + enc(before));
			if (op.thread !== phone || op.msgNext !== before) return;
			const box = $('thread-msgs');
			const fromEnd = box.scrollHeight - box.scrollTop; /* the same messages stay in view */
			const have = new Set(op.msgs.map((m) => m.id));
			op.msgs = (r.messages || []).filter((m) => !have.has(m.id)).concat(op.msgs);
			op.msgNext = r.next || null;
			renderMsgs();
			box.scrollTop = box.scrollHeight - fromEnd;
		});
		if (!op.msgNext && focusLost()) focusQuiet($('thread-msgs'));
	}

	/* The messages, updated in place by id (no jump, no lost focus). */
	function renderMsgs() {
		const box = $('thread-msgs');
		const keep = new Set();
		let prev = null;
		for (const m of op.msgs) {
			const sig = JSON.stringify([m.status, m.message, m.keyword, m.media, m.provider]);
			let row = op.msgRows.get(m.id);
			if (!row || row.sig !== sig) {
				const li = msgItem(m);
				if (row) row.li.replaceWith(li);
				row = { li, sig };
				op.msgRows.set(m.id, row);
			}
			keep.add(m.id);
			const want = prev ? prev.nextSibling : box.firstChild;
			if (want !== row.li) box.insertBefore(row.li, want);
			prev = row.li;
		}
		for (const [id, row] of op.msgRows) {
			if (keep.has(id)) continue;
			row.li.remove();
			op.msgRows.delete(id);
		}
		const older = $('thread-older');
		if (!op.msgNext && document.activeElement === older) focusQuiet(box);
		older.hidden = !op.msgNext;
	}

	function msgItem(m) {
		return el('li', { class: 'msg ' + (m.direction === 'out' ? 'out' : 'in'), 'data-id': m.id },
			el('p', { class: 'body', text: m.message }),
			mediaLinks(m.media),
			el('span', { class: 'meta' }, keywordPill(m.keyword),
				[m.direction === 'out' ? 'Sent' : 'Received', fmtTime(m.timestamp), m.status, m.provider, m.id].filter(Boolean).join(' · ')));
	}

	/* The reply form, enabled or disabled as the thread answer r says
	 * (canReply, replyBlocked); older servers only say optedOut. */
	function blockReply(r) {
		const p = $('reply-blocked');
		let can = true;
		let text = '';
		if (r) {
			can = typeof r.canReply === 'boolean' ? r.canReply : r.optedOut !== true;
			if (!can) {
				const b = r.replyBlocked || null;
				const optedOut = b ? b.code === 'recipient_opted_out' : r.optedOut === true;
				const how = optedOut ? optOutHow(r.optOut) : '';
				text = b && b.message ? String(b.message) :
					optedOut ? 'This number opted out. Replies are blocked until they text START.' : 'Replies to this number are blocked.';
				if (how) text = text.replace(/\.\s*$/, '') + ' (' + how + ').';
			}
		}
		$('reply-fields').disabled = !can;
		p.textContent = text;
		p.hidden = can;
	}

	/* Ctrl+Enter (Cmd+Enter on a Mac) in a message box sends its form. */
	function sendOnCtrlEnter(ta, form) {
		ta.addEventListener('keydown', (e) => {
			if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey) || e.isComposing) return;
			e.preventDefault();
			const btn = form.querySelector('button[type="submit"]');
			/* :disabled also covers the disabled fieldset around them */
			if (btn.matches(':disabled') || ta.matches(':disabled') || form.getAttribute('aria-busy') === 'true') return;
			form.requestSubmit(btn);
		});
	}

	function badLength(n) {
		return n === 0 || n > MAX_CHARS ? 'A message has 1 to ' + MAX_CHARS + ' characters (this one has ' + n + ').' : '';
	}

	async function sendReply(ev) {
		ev.preventDefault();
		const form = $('reply-form');
		const ta = $('reply-text');
		const out = $('reply-result');
		const btn = form.querySelector('button[type="submit"]');
		const to = op.thread;
		if (!to || form.getAttribute('aria-busy') === 'true') return;
		const bad = badLength(chars(ta.value));
		if (bad) {
			result(out, bad, 'error');
			return;
		}
		clearResult(out);
		const sent = await sending(form, btn, ta, 'Send reply', async () => {
			try {
				const r = await opApi('POST', '/api/web/inbox/reply', { to, message: ta.value }, { idempotent: true });
				op.drafts.delete(to);
				/* another thread opened meanwhile: the box holds its draft now */
				if (op.thread === to) {
					ta.value = '';
					updateCounter(ta, $('reply-count'));
				}
				if (r.status === 'queued') result(out, queuedText(r), 'ok');
				else result(out, 'Sent via ' + dash(r.provider) + ' (' + dash(r.messageId) + '): ' + dash(r.segments) +
					' segment(s), ' + dash(r.encoding) + '.', 'ok');
				return true;
			} catch (e) {
				if (!e.handled) result(out, errorText(e), 'error');
				/* the thread's replyBlocked says why: opted out, or never wrote in */
				if (e.code === 'recipient_opted_out' || e.code === 'no_conversation') loadThread(to).catch(fail);
				return false;
			}
		});
		if (sent && op.thread === to) await Promise.all([loadThread(to, true), loadInbox()]).catch(fail);
	}

	/* Send message */

	async function loadActiveUsers() {
		const seq = ++op.activeSeq;
		const r = await opApi('GET', '/api/users?status=active');
		if (seq !== op.activeSeq) return;
		const sel = $('send-user');
		const keep = sel.value;
		while (sel.options.length > 1) sel.remove(1);
		for (const u of r.users || []) {
			sel.add(el('option', {
				value: u.phoneNumber,
				text: u.name + ' (' + u.phoneNumber + ')' + (u.optedOut ? ' (opted out)' : ''),
				disabled: u.optedOut === true,
			}));
		}
		sel.value = keep;
		if (sel.value !== keep || (sel.selectedOptions[0] && sel.selectedOptions[0].disabled)) sel.value = '';
	}

	async function sendMessage(ev) {
		ev.preventDefault();
		const form = $('send-form');
		const phone = $('send-user').value;
		const ta = $('send-text');
		const out = $('send-result');
		const btn = form.querySelector('button[type="submit"]');
		if (form.getAttribute('aria-busy') === 'true') return;
		if (!phone) {
			result(out, 'Choose a recipient.', 'error');
			return;
		}
		const bad = badLength(chars(ta.value));
		if (bad) {
			result(out, bad, 'error');
			return;
		}
		clearResult(out);
		await sending(form, btn, ta, 'Send', async () => {
			try {
				const r = await opApi('POST', '/api/send-message', {
					phoneNumber: phone,
					messageContent: ta.value,
					operatorId: session.username,
				}, { idempotent: true });
				ta.value = '';
				updateCounter(ta, $('send-count'));
				if (r.status === 'queued') result(out, queuedText(r), 'ok');
				else result(out, 'Sent to ' + dash(r.phoneNumber) + ' (' + dash(r.messageId) + '): ' + dash(r.segments) +
					' segment(s), ' + dash(r.encoding) + ' encoding.', 'ok');
			} catch (e) {
				if (!e.handled) result(out, errorText(e), 'error');
				if (e.code === 'recipient_opted_out') loadActiveUsers().catch(fail);
			}
		});
	}

	/* Message log: two lists, newest first, PAGE rows a page, each with its
	 * own filters (applied on submit or a select's change) and pager. */

	const LOG = {
		in: {
			path: '/api/messages/incoming', body: 'incoming-body', page: 'in-page', older: 'in-older', newest: 'in-newest',
			heading: 'in-h', caption: 'Incoming messages', empty: 'No incoming messages.',
		},
		out: {
			path: '/api/messages/outgoing', body: 'outgoing-body', page: 'out-page', older: 'out-older', newest: 'out-newest',
			heading: 'out-h', caption: 'Outgoing messages', empty: 'No outgoing messages.',
		},
	};

	/* The query parameters of a list's filter form, as typed now. */
	function logFilters(kind) {
		const p = [];
		const add = (name, id) => {
			const v = $(id).value.trim();
			if (v) p.push(name + '=' + enc(v));
		};
		if (kind === 'in') {
			add('phoneNumber', 'in-phone');
			add('isRegistered', 'in-registered');
		} else {
			add('phoneNumber', 'out-phone');
			add('status', 'out-status');
			add('operatorId', 'out-operator');
		}
		return p;
	}

	/* Loads a page of a list.  which: 'newest' (page 1), 'older' (the page
	 * after this one), 'current' (this page again). */
	async function loadLog(kind, which) {
		const L = logs[kind];
		let before = null;
		let page = 1;
		if (which === 'older') {
			if (!L.next) return;
			before = L.next;
			page = L.page + 1;
		} else if (which === 'current') {
			before = L.before;
			page = L.page;
		}
		const seq = ++L.seq;
		const q = ['limit=' + PAGE].concat(L.filters);
		if (before) q.push('before=' + enc(before));
		const r = await opApi('GET', LOG[kind].path + '?' + q.join('&'));
		if (seq !== L.seq) return;
		L.page = page;
		L.before = before;
		L.items = r.messages || [];
		L.next = r.next || null;
		L.loaded = true;
		renderLog(kind);
	}

	/* Timer: only newer incoming messages (after the newest shown, same
	 * filters), put on top; the page keeps PAGE rows. */
	async function refreshIncoming() {
		const L = logs.in;
		if (L.page !== 1 || L.busy || !L.loaded) return;
		if (L.items.length === 0) {
			await loadLog('in', 'newest');
			return;
		}
		const seq = ++L.seq;
		const q = ['limit=' + PAGE, 'sort=asc', 'after=' + enc(L.items[0].id)].concat(L.filters);
		const r = await opApi('GET', LOG.in.path + '?' + q.join('&'));
		if (seq !== L.seq || L.page !== 1) return;
		if (r.next) {
			await loadLog('in', 'newest'); /* more than a page arrived */
			return;
		}
		const fresh = (r.messages || []).slice().reverse();
		if (fresh.length === 0) return;
		L.items = fresh.concat(L.items);
		if (L.items.length > PAGE) {
			L.items = L.items.slice(0, PAGE);
			L.next = L.items[PAGE - 1].id;
		}
		renderLog('in');
	}

	/* Timer: outgoing statuses change, so its first page again. */
	async function refreshOutgoing() {
		const L = logs.out;
		if (L.page !== 1 || L.busy || !L.loaded) return;
		await loadLog('out', 'current');
	}

	function pager(kind) {
		const L = logs[kind];
		const ids = LOG[kind];
		$(ids.older).disabled = L.busy || !L.next;
		$(ids.newest).disabled = L.busy || L.page === 1;
		$(ids.page).textContent = 'Page ' + L.page;
	}

	/* A pager button or a filter: the list reloads, its buttons disabled
	 * meanwhile; the focus stays on the button used, or goes to the other
	 * one (or the list) when that one is disabled now. */
	async function pageLog(kind, which, btn) {
		const L = logs[kind];
		const ids = LOG[kind];
		L.busy = true;
		pager(kind);
		try {
			await loadLog(kind, which);
		} catch (e) {
			fail(e);
		} finally {
			L.busy = false;
			pager(kind);
		}
		if (!btn || !focusLost()) return;
		const other = $(btn.id === ids.older ? ids.newest : ids.older);
		if (!btn.disabled) focusQuiet(btn);
		else if (!other.disabled) focusQuiet(other);
		else focusQuiet($(ids.body));
	}

	function applyFilters(kind) {
		logs[kind].filters = logFilters(kind);
		pageLog(kind, 'newest', null);
	}

	function renderLog(kind) {
		const L = logs[kind];
		const box = $(LOG[kind].body);
		const cols = kind === 'in' ? [
			['ID', (m) => m.id],
			['Received', (m) => fmtTime(m.timestamp)],
			['From', (m) => m.phoneNumber],
			['To', (m) => m.to],
			['Message', (m) => m.messageContent, 'body'],
			['Keyword', (m) => keywordPill(m.keyword)],
			['Media', (m) => mediaLinks(m.media)],
			['Registered', (m) => yesNo(m.isRegistered)],
			['Replied', (m) => yesNo(m.responseSent)],
			['Provider', (m) => m.provider],
		] : [
			['ID', (m) => m.id],
			['Queued', (m) => fmtTime(m.queuedAt)],
			['Sent', (m) => (m.sentAt ? fmtTime(m.sentAt) : null)],
			['To', (m) => m.phoneNumber],
			['Message', (m) => m.messageContent, 'body'],
			['Status', (m) => pill(m.status)],
			['Operator', (m) => m.operatorId],
			['Segments', (m) => m.segments],
			['Provider', (m) => m.provider],
			['Error', (m) => m.twilio_ErrorMessage, 'body'],
		];
		const empty = L.filters.length ? 'No messages match these filters.' : LOG[kind].empty;
		keepFocus(box, () => box.replaceChildren(table(LOG[kind].caption, cols, L.items, empty)), box);
		pager(kind);
	}

	/* Users */

	async function loadUsers() {
		const seq = ++op.usersSeq;
		const filter = $('users-filter').value;
		const r = await opApi('GET', '/api/users?status=' + enc(filter));
		if (seq !== op.usersSeq) return;
		const toggle = (u) => {
			const next = u.status === 'active' ? 'inactive' : 'active';
			const b = el('button', {
				type: 'button',
				text: next === 'active' ? 'Activate' : 'Deactivate',
				key: 'user-' + u.phoneNumber,
				'aria-label': (next === 'active' ? 'Activate ' : 'Deactivate ') + u.name,
				on: {
					click: async () => {
						await busy(b, async () => {
							await opApi('PATCH', '/api/users/' + enc(u.phoneNumber), { status: next });
							notify(u.name + ' is now ' + next + '.');
							await loadUsers();
						});
					},
				},
			});
			return b;
		};
		const box = $('users-body');
		keepFocus(box, () => box.replaceChildren(table('Registered users', [
			['Phone number', (u) => u.phoneNumber],
			['Name', (u) => u.name],
			['Status', (u) => el('span', { class: 'pills' }, spaced([pill(u.status), u.optedOut ? optedOutPill(u.optOut) : null]))],
			['Created', (u) => fmtTime(u.createdAt)],
			['', (u) => toggle(u)],
		], r.users, filter === 'all' ? 'No users registered.' : 'No users match this filter.')), $('pane-users-h'));
	}

	async function addUser(ev) {
		ev.preventDefault();
		await busy(ev.submitter, async () => {
			const u = await opApi('POST', '/api/users', {
				phoneNumber: $('user-phone').value.trim(),
				name: $('user-name').value.trim(),
				status: $('user-status').value,
			});
			$('user-phone').value = '';
			$('user-name').value = '';
			notify('User ' + u.name + ' (' + u.phoneNumber + ') added.');
			await loadUsers();
		});
	}

	/* --- counters and wiring ------------------------------------------------ */

	function updateCounter(ta, out) {
		const n = chars(ta.value);
		out.textContent = n + ' / ' + MAX_CHARS + ' characters';
		out.classList.toggle('over', n > MAX_CHARS);
		ta.setAttribute('aria-invalid', String(n > MAX_CHARS));
	}

	function counter(taId, outId) {
		const ta = $(taId);
		const out = $(outId);
		ta.addEventListener('input', () => updateCounter(ta, out));
		updateCounter(ta, out);
	}

	function init() {
		$('login-form').addEventListener('submit', login);
		$('logout-btn').addEventListener('click', logout);
		$('notice-close').addEventListener('click', hideNotice);
		$('once-copy').addEventListener('click', copyOnce);
		$('once-close').addEventListener('click', closeOnce);
		$('once-dialog').addEventListener('close', () => { $('once-value').value = ''; });

		$('clients-refresh').addEventListener('click', (e) => busy(e.currentTarget, async () => {
			await loadClients();
			if (admin.openId !== null) {
				await Promise.all([refreshClient(admin.openId), loadDeliveries(admin.openId), loadAccounts(admin.openId)]);
			}
		}));
		$('client-create').addEventListener('submit', createClient);
		$('details-close').addEventListener('click', closeDetails);
		$('deliveries-reload').addEventListener('click', (e) => {
			if (admin.openId !== null) busy(e.currentTarget, () => loadDeliveries(admin.openId));
		});
		$('acting-exit').addEventListener('click', leaveActing);

		for (const b of document.querySelectorAll('[data-tab]')) b.addEventListener('click', () => selectTab(b.dataset.tab));
		$('op-refresh').addEventListener('click', (e) => busy(e.currentTarget, refreshTab));
		$('conv-search').addEventListener('input', searchInput);
		$('conv-older').addEventListener('click', (e) => loadOlderConvs(e.currentTarget));
		$('thread-older').addEventListener('click', (e) => loadOlderMsgs(e.currentTarget));
		$('reply-form').addEventListener('submit', sendReply);
		$('send-form').addEventListener('submit', sendMessage);
		sendOnCtrlEnter($('reply-text'), $('reply-form'));
		sendOnCtrlEnter($('send-text'), $('send-form'));
		/* the hint names the key this keyboard has */
		const mac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
		for (const id of ['reply-hint', 'send-hint']) $(id).textContent = (mac ? '⌘+Enter' : 'Ctrl+Enter') + ' sends';

		for (const kind of ['in', 'out']) {
			const ids = LOG[kind];
			$(kind + '-filter').addEventListener('submit', (e) => {
				e.preventDefault();
				applyFilters(kind);
			});
			for (const s of $(kind + '-filter').querySelectorAll('select')) s.addEventListener('change', () => applyFilters(kind));
			$(ids.older).addEventListener('click', (e) => pageLog(kind, 'older', e.currentTarget));
			$(ids.newest).addEventListener('click', (e) => pageLog(kind, 'newest', e.currentTarget));
			pager(kind);
		}

		$('user-form').addEventListener('submit', addUser);
		$('users-filter').addEventListener('change', () => loadUsers().catch(fail));
		counter('reply-text', 'reply-count');
		counter('send-text', 'send-count');

		watchSession();
		start();
	}

	init();
})();
