/*
 * Ibiki dashboard: all the behaviour of the single page (index.html).
 * Login; admin client management (delivery mode, webhook, routes, API keys,
 * operator accounts, deliveries); operator inbox, send form, message log
 * and users.  Plain ES2020, no dependencies.  The session is the HttpOnly
 * cookie set by /api/auth/login; only role, username and clientId are kept
 * (sessionStorage).  Server data reaches the DOM through textContent only.
 */
'use strict';

(() => {
	const MAX_CHARS = 1600;
	const SESSION_KEY = 'ibiki.session'; /* {role, username, clientId} */
	const ACTING_KEY = 'ibiki.acting'; /* {id, name}: the client an admin acts for */
	const TABS = ['inbox', 'send', 'messages', 'users'];
	const MODES = [['poll', 'Poll'], ['push', 'Push'], ['both', 'Both']];
	const REFRESH_MS = 10000;

	let session = null;
	let acting = null;
	let view = null;

	/* --- small helpers ------------------------------------------------------ */

	const $ = (id) => document.getElementById(id);

	/* el('tag', {class, text, on:{click: fn}, 'aria-x': v, prop: v}, ...children)
	 * Strings among children become text nodes: never parsed as HTML. */
	function el(tag, props, ...children) {
		const e = document.createElement(tag);
		for (const [k, v] of Object.entries(props || {})) {
			if (v === null || v === undefined) continue;
			if (k.startsWith('aria-') || k === 'role' || k === 'for') e.setAttribute(k, String(v));
			else if (k === 'class') e.className = v;
			else if (k === 'text') e.textContent = String(v);
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
			if (v === null || v === undefined) sessionStorage.removeItem(k);
			else sessionStorage.setItem(k, JSON.stringify(v));
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

	function pill(text) {
		const t = dash(text);
		return el('span', { class: 'pill pill-' + t.toLowerCase().replace(/[^a-z]/g, ''), text: t });
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

	/* A table from columns [[heading, row => string|Node, class?], ...]. */
	function table(caption, cols, rows, empty) {
		if (!rows || rows.length === 0) return el('p', { class: 'muted', text: empty || 'Nothing to show.' });
		return el('table', null,
			el('caption', { class: 'sr-only', text: caption }),
			el('thead', null, el('tr', null, cols.map((c) => el('th', { scope: 'col', text: c[0] })))),
			el('tbody', null, rows.map((r) => el('tr', null, cols.map((c) => {
				const v = c[1](r);
				return el('td', { class: c[2] || null }, v instanceof Node ? v : dash(v));
			})))));
	}

	function fact(k, v) {
		return [el('dt', { text: k }), el('dd', null, v instanceof Node ? v : dash(v))];
	}

	/* --- notices ------------------------------------------------------------ */

	let noticeTimer = null;

	function notify(text, kind) {
		const n = $('notice');
		$('notice-text').textContent = text;
		n.className = 'notice ' + (kind || 'info');
		n.hidden = false;
		clearTimeout(noticeTimer);
		if (kind !== 'error') noticeTimer = setTimeout(() => { n.hidden = true; }, 6000);
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

	/* A per-form result line, in addition to the notice. */
	function result(p, text, kind) {
		p.textContent = text;
		p.className = 'result ' + (kind || 'info');
		p.hidden = false;
	}

	/* Runs fn with btn disabled; reports errors; returns fn's value or undefined. */
	async function busy(btn, fn) {
		if (btn) btn.disabled = true;
		try {
			return await fn();
		} catch (e) {
			fail(e);
			return undefined;
		} finally {
			if (btn) btn.disabled = false;
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

	/* opts: operator (send X-Ibiki-Client when an admin acts for a client),
	 * idempotent (send a fresh Idempotency-Key), login (no 401 redirect). */
	/* A send still queued when the gateway stopped waiting (202): it goes
	 * on; the message log shows its outcome. */
	function queuedText(r) {
		return 'Queued for ' + dash(r.to) + ' (' + dash(r.id) + '): the provider has not answered yet;' +
			' the message log shows when it is sent.';
	}

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
				err.handled = true;
				sessionEnded(msg);
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
		if (name !== 'operator') stopTimer();
	}

	function clearSession() {
		session = null;
		acting = null;
		store.set(SESSION_KEY, null);
		store.set(ACTING_KEY, null);
		resetOperator();
		resetAdmin();
	}

	function showLogin(msg) {
		show('login');
		history.replaceState(null, '', '/');
		const m = $('login-msg');
		m.textContent = msg || '';
		m.hidden = !msg;
		$('login-user').focus();
	}

	function sessionEnded(msg) {
		if (view === 'login') return;
		clearSession();
		showLogin('Please log in again (' + msg + ').');
	}

	function start() {
		session = store.get(SESSION_KEY);
		acting = store.get(ACTING_KEY);
		if (!session || !session.role) return showLogin();
		$('who-name').textContent = session.username + ' · ' + session.role;
		if (session.role === 'admin' && !acting) return showAdmin();
		if (session.role === 'admin' || session.role === 'operator') return showOperator();
		clearSession();
		return showLogin('This account has no dashboard.');
	}

	async function login(ev) {
		ev.preventDefault();
		const btn = ev.submitter || $('login-form').querySelector('button');
		await busy(btn, async () => {
			const r = await api('POST', '/api/auth/login', {
				username: $('login-user').value.trim(),
				password: $('login-pass').value,
			}, { login: true });
			/* The token stays in the HttpOnly cookie: only these are kept. */
			session = { role: r.role, username: r.username, clientId: r.clientId === undefined ? null : r.clientId };
			store.set(SESSION_KEY, session);
			store.set(ACTING_KEY, null);
			acting = null;
			$('login-pass').value = '';
			$('notice').hidden = true;
			start();
		});
	}

	async function logout() {
		try {
			await api('POST', '/api/auth/logout', undefined, { login: true });
		} catch {
			/* the cookie is short-lived anyway; forget the session regardless */
		}
		clearSession();
		showLogin('You are logged out.');
	}

	/* --- admin: clients ----------------------------------------------------- */

	const admin = { rows: new Map(), clients: new Map(), openId: null, detailSeq: 0, dlvSeq: 0 };

	function resetAdmin() {
		admin.rows.clear();
		admin.clients.clear();
		admin.openId = null;
		$('clients-body').replaceChildren();
		closeDetails();
	}

	function showAdmin() {
		show('admin');
		history.replaceState(null, '', '#clients');
		loadClients().catch(fail);
	}

	async function loadClients() {
		const r = await api('GET', '/api/admin/clients');
		const list = r.clients || [];
		const body = $('clients-body');
		admin.rows.clear();
		admin.clients.clear();
		body.replaceChildren(...list.map(clientRow));
		$('clients-empty').hidden = list.length > 0;
		if (admin.openId !== null && !admin.clients.has(admin.openId)) closeDetails();
	}

	function clientRow(c) {
		const refs = { modeBtns: new Map() };
		refs.name = el('td', { text: c.name });
		refs.status = el('td', null);

		const modes = el('div', { class: 'seg', role: 'group', 'aria-label': 'Delivery mode for ' + c.name });
		for (const [m, label] of MODES) {
			const b = el('button', {
				type: 'button',
				text: label,
				'aria-pressed': String(c.deliveryMode === m),
				on: { click: (e) => setMode(c.id, m, e.currentTarget) },
			});
			refs.modeBtns.set(m, b);
			modes.append(b);
		}

		refs.url = el('input', {
			type: 'url',
			placeholder: 'https://example.com/sms',
			autocomplete: 'off',
			spellcheck: false,
			maxLength: 2048,
			'aria-label': 'Webhook URL for ' + c.name,
		});
		refs.secret = el('input', {
			type: 'password',
			autocomplete: 'new-password',
			spellcheck: false,
			maxLength: 128,
			'aria-label': 'Webhook secret for ' + c.name + ' (16 to 128 characters; empty keeps it, or generates one)',
		});
		const save = el('button', { type: 'submit', text: 'Save' });
		const form = el('form', {
			class: 'webhook-form',
			on: { submit: (e) => { e.preventDefault(); saveWebhook(c.id, refs, save); } },
		}, refs.url, refs.secret, save);

		refs.badge = el('span', null);
		const rotate = el('button', { type: 'button', text: 'Rotate secret', on: { click: (e) => rotateSecret(c.id, e.currentTarget) } });
		refs.details = el('button', {
			type: 'button',
			text: 'Details',
			'aria-expanded': 'false',
			'aria-controls': 'client-details',
			on: { click: () => toggleDetails(c.id) },
		});
		const inbox = el('button', { type: 'button', text: 'Open inbox', on: { click: () => openInboxFor(c.id) } });

		refs.tr = el('tr', null,
			el('td', { text: String(c.id) }),
			refs.name,
			refs.status,
			el('td', null, modes),
			el('td', null, form),
			el('td', null, refs.badge),
			el('td', { class: 'actions' }, rotate, refs.details, inbox));
		admin.rows.set(c.id, refs);
		updateRow(c);
		return refs.tr;
	}

	function updateRow(c) {
		const r = admin.rows.get(c.id);
		admin.clients.set(c.id, c);
		if (!r) return;
		const wh = c.webhook || {};
		r.name.textContent = c.name;
		r.status.replaceChildren(pill(c.status));
		for (const [m, b] of r.modeBtns) b.setAttribute('aria-pressed', String(c.deliveryMode === m));
		if (document.activeElement !== r.url) r.url.value = wh.url || '';
		r.secret.placeholder = wh.secretSet ? 'Secret set (empty: keep)' : 'Secret (empty: generate)';
		r.badge.textContent = wh.configured ? 'Configured' : 'Not set';
		r.badge.className = 'badge ' + (wh.configured ? 'badge-ok' : 'badge-off');
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

	async function setMode(id, mode, btn) {
		const c = admin.clients.get(id);
		if (c && c.deliveryMode === mode) return;
		await busy(btn, async () => {
			const r = await api('POST', '/api/admin/clients/' + id + '/delivery-mode', { mode });
			updateRow(r);
			notify('Delivery mode of ' + r.name + ': ' + mode + '.');
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
		$('client-details').hidden = false;
		$('client-details').scrollIntoView({ behavior: 'smooth', block: 'start' });
		refreshClient(id).catch(fail);
		loadDeliveries(id).catch(fail);
	}

	function closeDetails() {
		admin.openId = null;
		for (const r of admin.rows.values()) r.details.setAttribute('aria-expanded', 'false');
		$('client-details').hidden = true;
		$('details-body').replaceChildren();
		$('deliveries-body').replaceChildren();
	}

	function renderDetails(d) {
		if (admin.openId !== d.id) return;
		const wh = d.webhook || {};
		const h = d.deliveryHealth || {};
		const last = h.lastDelivery;
		let lastText = 'None yet';
		if (last) {
			lastText = fmtTime(last.at) + ': ' + (last.ok ? 'OK' : 'failed') +
				(last.httpStatus ? ' (HTTP ' + last.httpStatus + ')' : '') +
				(last.error ? ', ' + last.error : '');
		}
		$('details-h').textContent = d.name + ' (#' + d.id + ')';

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

		$('details-body').replaceChildren(overview, routesBlock(d), keysBlock(d), accountBlock(d));
	}

	function labelled(id, text, input) {
		input.id = id;
		return el('span', { class: 'field' }, el('label', { for: id, text }), input);
	}

	/* A route's rate: messages per second (empty: the gateway's default,
	 * 0: unthrottled), saved with PATCH .../routes/{id}. */
	function rateForm(d, r) {
		const id = 'd-route-mps-' + r.id;
		const input = el('input', {
			type: 'number', min: 0, max: 100000, step: 1, class: 'mps',
			placeholder: 'default', 'aria-label': 'Messages per second of route ' + r.id,
		});
		input.id = id;
		if (r.mps !== null && r.mps !== undefined) input.value = String(r.mps);
		const save = el('button', { type: 'submit', text: 'Set' });
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

	function routesBlock(d) {
		const provider = el('select', null,
			el('option', { value: 'twilio', text: 'Twilio' }),
			el('option', { value: 'extreme', text: 'Extreme (modem/port)' }));
		const number = el('input', { placeholder: '+12025550100', inputMode: 'tel', autocomplete: 'off', maxLength: 16 });
		const modem = el('input', { type: 'number', min: 0, max: 9999, step: 1 });
		const port = el('input', { type: 'number', min: 0, max: 9999, step: 1 });
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
		const submit = el('button', { type: 'submit', class: 'primary', text: 'Add route' });
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
			table('Routes of ' + d.name, [
				['ID', (r) => r.id],
				['Provider', (r) => r.provider],
				['Number', (r) => r.number],
				['usemodem', (r) => r.usemodem],
				['port', (r) => r.port],
				['Rate (msg/s)', (r) => rateForm(d, r)],
				['Created', (r) => fmtTime(r.createdAt)],
			], d.routes, 'No routes: inbound messages cannot reach this client yet.'),
			form);
	}

	function keysBlock(d) {
		const label = el('input', { maxLength: 200, autocomplete: 'off' });
		const submit = el('button', { type: 'submit', class: 'primary', text: 'Issue API key' });
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
				'aria-label': 'Revoke key ' + k.prefix,
				on: {
					click: async () => {
						if (!confirm('Revoke API key ' + k.prefix + '…? Systems using it stop working at once.')) return;
						await busy(b, async () => {
							await api('DELETE', '/api/admin/clients/' + d.id + '/api-keys/' + k.id);
							notify('Key ' + k.prefix + '… revoked.');
							await refreshClient(d.id);
						});
					},
				},
			});
			return b;
		};

		return el('div', { class: 'block' },
			el('h4', { text: 'API keys' }),
			table('API keys of ' + d.name, [
				['ID', (k) => k.id],
				['Prefix', (k) => el('code', { text: k.prefix + '…' })],
				['Label', (k) => k.label],
				['Status', (k) => pill(k.status)],
				['Created', (k) => fmtTime(k.createdAt)],
				['Revoked', (k) => (k.revokedAt ? fmtTime(k.revokedAt) : null)],
				['', (k) => revoke(k) || el('span')],
			], d.apiKeys, 'No API keys.'),
			form);
	}

	function accountBlock(d) {
		const user = el('input', { autocomplete: 'off', required: true, minLength: 3, maxLength: 64 });
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
							clientId: d.id,
						});
						user.value = '';
						pass.value = '';
						notify('Operator account "' + r.username + '" created for ' + d.name + '.');
					});
				},
			},
		}, labelled('d-acc-user', 'Username', user), labelled('d-acc-pass', 'Password (12+ characters)', pass), submit);
		return el('div', { class: 'block' }, el('h4', { text: 'New operator account' }), form);
	}

	async function loadDeliveries(id) {
		const seq = ++admin.dlvSeq;
		const r = await api('GET', '/api/admin/clients/' + id + '/deliveries?limit=50');
		if (seq !== admin.dlvSeq || admin.openId !== id) return;
		const log = (dv) => {
			const entries = dv.attemptLog || [];
			if (entries.length === 0) return null;
			return el('details', null,
				el('summary', { text: entries.length + ' attempt' + (entries.length === 1 ? '' : 's') }),
				el('ol', { class: 'attempts' }, entries.map((a) => el('li', {
					text: '#' + a.attempt + ' ' + fmtTime(a.at) + ': ' + dash(a.outcome) +
						(a.httpStatus ? ', HTTP ' + a.httpStatus : '') +
						(a.durationMs !== undefined && a.durationMs !== null ? ', ' + a.durationMs + ' ms' : '') +
						(a.error ? ', ' + a.error : ''),
				}))));
		};
		const action = (dv) => {
			if (dv.status !== 'dead' && dv.status !== 'delivered') return null;
			const b = el('button', {
				type: 'button',
				text: 'Redeliver',
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
		$('deliveries-body').replaceChildren(table('Webhook deliveries', [
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
		], r.deliveries, 'No deliveries yet.'));
	}

	/* --- operator ----------------------------------------------------------- */

	const op = { tab: 'inbox', thread: null, timer: null, inboxSeq: 0, threadSeq: 0, usersSeq: 0 };

	function resetOperator() {
		op.thread = null;
		op.inboxSeq++;
		op.threadSeq++;
		$('conv-list').replaceChildren();
		$('conv-empty').hidden = true;
		$('thread').hidden = true;
		$('thread-none').hidden = false;
		$('thread-msgs').replaceChildren();
		blockReply(false, null);
		$('reply-result').hidden = true;
		$('send-result').hidden = true;
		$('incoming-body').replaceChildren();
		$('outgoing-body').replaceChildren();
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

	function selectTab(tab) {
		op.tab = tab;
		for (const b of document.querySelectorAll('[data-tab]')) b.setAttribute('aria-pressed', String(b.dataset.tab === tab));
		for (const p of document.querySelectorAll('[data-pane]')) p.hidden = p.dataset.pane !== tab;
		history.replaceState(null, '', '#' + tab);
		refreshTab().catch(fail);
	}

	function refreshTab() {
		switch (op.tab) {
		case 'inbox':
			return Promise.all([loadInbox(), op.thread ? loadThread(op.thread) : null]);
		case 'send':
			return loadActiveUsers();
		case 'messages':
			return loadMessages();
		case 'users':
			return loadUsers();
		default:
			return Promise.resolve();
		}
	}

	function startTimer() {
		stopTimer();
		op.timer = setInterval(() => {
			if (view !== 'operator' || op.tab !== 'inbox' || document.hidden || !$('auto-refresh').checked) return;
			refreshTab().catch(fail);
		}, REFRESH_MS);
	}

	function stopTimer() {
		if (op.timer !== null) clearInterval(op.timer);
		op.timer = null;
	}

	/* Inbox */

	async function loadInbox() {
		const seq = ++op.inboxSeq;
		const r = await opApi('GET', '/api/web/inbox?limit=200');
		if (seq !== op.inboxSeq) return;
		const convs = r.conversations || [];
		$('conv-list').replaceChildren(...convs.map((c) => {
			const lm = c.lastMessage || {};
			const current = c.phoneNumber === op.thread;
			return el('li', null, el('button', {
				type: 'button',
				class: 'conv' + (current ? ' current' : '') + (c.unread > 0 ? ' unread' : ''),
				'aria-current': current ? 'true' : null,
				on: { click: () => openThread(c.phoneNumber) },
			},
			el('span', { class: 'conv-top' },
				el('span', { class: 'conv-who' },
					el('span', { class: 'conv-phone', text: c.phoneNumber }),
					c.optedOut ? optedOutPill(null) : null),
				c.unread > 0 ? el('span', { class: 'count', text: String(c.unread), 'aria-label': c.unread + ' unread' }) : null),
			el('span', { class: 'conv-last', text: (lm.direction === 'out' ? 'You: ' : '') + (lm.message || '') }),
			el('span', { class: 'conv-time', text: fmtTime(c.lastActivity) + ' · ' + c.messages + ' messages' })));
		}));
		$('conv-empty').hidden = convs.length > 0;
	}

	async function openThread(phone) {
		const changed = op.thread !== phone;
		op.thread = phone;
		$('thread-phone').textContent = phone;
		$('thread-none').hidden = true;
		$('thread').hidden = false;
		if (changed) {
			$('thread-msgs').replaceChildren();
			blockReply(false, null);
			$('reply-result').hidden = true;
		}
		try {
			await loadThread(phone, true);
			await loadInbox(); /* unread counts changed */
		} catch (e) {
			fail(e);
		}
	}

	async function loadThread(phone, scroll) {
		const seq = ++op.threadSeq;
		const r = await opApi('GET', '/api/web/inbox/' + enc(phone) + '?limit=200');
		if (seq !== op.threadSeq || op.thread !== phone) return;
		const box = $('thread-msgs');
		const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
		box.replaceChildren(...(r.messages || []).map((m) => el('li', { class: 'msg ' + (m.direction === 'out' ? 'out' : 'in') },
			el('p', { class: 'body', text: m.message }),
			mediaLinks(m.media),
			el('span', { class: 'meta' }, keywordPill(m.keyword),
				[m.direction === 'out' ? 'Sent' : 'Received', fmtTime(m.timestamp), m.status, m.provider, m.id].filter(Boolean).join(' · ')))));
		if (scroll || atBottom) box.scrollTop = box.scrollHeight;
		blockReply(r.optedOut === true, r.optOut || null);
	}

	/* Disables the reply form, saying why, while the thread's number is
	 * opted out (o: its optOut); enables it again otherwise. */
	function blockReply(optedOut, o) {
		const p = $('reply-blocked');
		const how = optOutHow(o);
		$('reply-fields').disabled = optedOut;
		p.textContent = optedOut ? 'This number opted out' + (how ? ' (' + how + ')' : '') +
			'. Replies are blocked until they text START.' : '';
		p.hidden = !optedOut;
	}

	async function sendReply(ev) {
		ev.preventDefault();
		const ta = $('reply-text');
		const out = $('reply-result');
		const to = op.thread;
		if (!to) return;
		const n = chars(ta.value);
		if (n === 0 || n > MAX_CHARS) {
			result(out, 'A message has 1 to ' + MAX_CHARS + ' characters (this one has ' + n + ').', 'error');
			return;
		}
		await busy(ev.submitter, async () => {
			try {
				const r = await opApi('POST', '/api/web/inbox/reply', { to, message: ta.value }, { idempotent: true });
				ta.value = '';
				updateCounter(ta, $('reply-count'));
				if (r.status === 'queued') result(out, queuedText(r), 'ok');
				else result(out, 'Sent via ' + dash(r.provider) + ' (' + dash(r.messageId) + '): ' + dash(r.segments) +
					' segment(s), ' + dash(r.encoding) + '.', 'ok');
			} catch (e) {
				if (!e.handled) result(out, errorText(e), 'error');
				if (e.code === 'recipient_opted_out') loadThread(to).catch(fail);
				return;
			}
			await Promise.all([loadThread(to, true), loadInbox()]);
		});
	}

	/* Send message */

	async function loadActiveUsers() {
		const r = await opApi('GET', '/api/users?status=active');
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
		const phone = $('send-user').value;
		const ta = $('send-text');
		const out = $('send-result');
		const n = chars(ta.value);
		if (!phone) {
			result(out, 'Choose a recipient.', 'error');
			return;
		}
		if (n === 0 || n > MAX_CHARS) {
			result(out, 'A message has 1 to ' + MAX_CHARS + ' characters (this one has ' + n + ').', 'error');
			return;
		}
		await busy(ev.submitter, async () => {
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

	/* Message log */

	async function loadMessages() {
		const [inc, outg] = await Promise.all([
			opApi('GET', '/api/messages/incoming?limit=100'),
			opApi('GET', '/api/messages/outgoing?limit=100'),
		]);
		$('incoming-body').replaceChildren(table('Incoming messages', [
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
		], inc.messages, 'No incoming messages.'));
		$('outgoing-body').replaceChildren(table('Outgoing messages', [
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
		], outg.messages, 'No outgoing messages.'));
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
		$('users-body').replaceChildren(table('Registered users', [
			['Phone number', (u) => u.phoneNumber],
			['Name', (u) => u.name],
			['Status', (u) => el('span', { class: 'pills' }, pill(u.status), u.optedOut ? optedOutPill(u.optOut) : null)],
			['Created', (u) => fmtTime(u.createdAt)],
			['', (u) => toggle(u)],
		], r.users, filter === 'all' ? 'No users registered.' : 'No users match this filter.'));
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
		$('notice-close').addEventListener('click', () => { $('notice').hidden = true; });
		$('once-copy').addEventListener('click', copyOnce);
		$('once-close').addEventListener('click', closeOnce);
		$('once-dialog').addEventListener('close', () => { $('once-value').value = ''; });

		$('clients-refresh').addEventListener('click', (e) => busy(e.currentTarget, async () => {
			await loadClients();
			if (admin.openId !== null) await Promise.all([refreshClient(admin.openId), loadDeliveries(admin.openId)]);
		}));
		$('client-create').addEventListener('submit', createClient);
		$('details-close').addEventListener('click', closeDetails);
		$('deliveries-reload').addEventListener('click', (e) => {
			if (admin.openId !== null) busy(e.currentTarget, () => loadDeliveries(admin.openId));
		});
		$('acting-exit').addEventListener('click', leaveActing);

		for (const b of document.querySelectorAll('[data-tab]')) b.addEventListener('click', () => selectTab(b.dataset.tab));
		$('op-refresh').addEventListener('click', (e) => busy(e.currentTarget, refreshTab));
		$('reply-form').addEventListener('submit', sendReply);
		$('send-form').addEventListener('submit', sendMessage);
		$('user-form').addEventListener('submit', addUser);
		$('users-filter').addEventListener('change', () => loadUsers().catch(fail));
		counter('reply-text', 'reply-count');
		counter('send-text', 'send-count');

		start();
	}

	init();
})();
