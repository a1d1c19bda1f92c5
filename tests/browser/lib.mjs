/*
 * Shared setup of the browser tests (tests/browser/run): the stack's
 * environment, seeding through the real HTTP API and signed Twilio
 * webhooks, Debian's chromium driven by playwright-core, and the checks
 * every test gets for free (no console errors, screenshots on failure).
 *
 * Environment (what `tools/stack test` exports):
 *   IBIKI_TEST_URL            https://127.0.0.1:PORT (self-signed)
 *   IBIKI_ADMIN_PASSWORD      the "admin" account's password
 *   IBIKI_TWILIO_AUTH_TOKEN, IBIKI_TWILIO_ACCOUNT_SID   to sign inbound webhooks
 *   IBIKI_TEST_TWILIO         the Twilio mock (what was sent)
 *   IBIKI_TEST_CTL, IBIKI_TEST_CONF   ibikictl and its config (login tokens
 *                             without spending the login rate limit;
 *                             server.public_base_url for the signatures)
 *   IBIKI_TEST_DIR            screenshots of failing tests go to DIR/browser/
 *   IBIKI_TEST_RECEIVER       (optional) the webhook receiver mock, for a
 *                             webhook URL the stack accepts
 *   IBIKI_CHROMIUM            (optional) the browser, default /usr/bin/chromium
 */
import { test } from 'node:test';
import { createHmac, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, request } from 'playwright-core';

/* --- environment ---------------------------------------------------------- */

function need(name) {
	const v = process.env[name];
	if (!v) throw new Error(`browser tests: ${name} is not set (run through tools/stack test)`);
	return v;
}

export const BASE = need('IBIKI_TEST_URL').replace(/\/+$/, '');
export const ADMIN_PASSWORD = need('IBIKI_ADMIN_PASSWORD');
const TWILIO_TOKEN = need('IBIKI_TWILIO_AUTH_TOKEN');
const TWILIO_SID = need('IBIKI_TWILIO_ACCOUNT_SID');
export const TWILIO_MOCK = need('IBIKI_TEST_TWILIO').replace(/\/+$/, '');
const CTL = process.env.IBIKI_TEST_CTL || '';
const CONF = process.env.IBIKI_TEST_CONF || '';
const SHOTS = path.join(process.env.IBIKI_TEST_DIR || '/tmp/ibiki-browser-test', 'browser');
const CHROMIUM = process.env.IBIKI_CHROMIUM || '/usr/bin/chromium';

/* server.public_base_url of the stack's config: what Twilio signatures are
 * computed over (IBIKI_TEST_URL when it is not set or cannot be read). */
function publicBase() {
	if (!CONF) return BASE;
	let text;
	try {
		text = readFileSync(CONF, 'utf8');
	} catch {
		return BASE;
	}
	let section = '';
	for (const raw of text.split('\n')) {
		const line = raw.replace(/[#;].*$/, '').trim();
		const s = /^\[(.+)\]$/.exec(line);
		if (s) {
			section = s[1].trim();
			continue;
		}
		const kv = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(line);
		if (kv && section === 'server' && kv[1] === 'public_base_url' && kv[2]) return kv[2].replace(/\/+$/, '');
	}
	return BASE;
}
export const PUBLIC_BASE = publicBase();

/* --- small helpers ------------------------------------------------------- */

/* A name or number nobody else uses: tests share one stack. */
export const unique = (prefix) => prefix + Date.now().toString(36) + randomBytes(3).toString('hex');

/* A random North American number in 555 (never one of the mocks' magic ones). */
export function phone() {
	return '+1555' + String(randomBytes(4).readUInt32BE() % 10000000).padStart(7, '0');
}

/* Polls fn until it returns a truthy value (returned) or stops throwing;
 * fails with the last error, or `what` (a string or a function giving
 * one), after `timeout` ms.  The only
 * waiting the tests do: never a fixed sleep. */
export async function eventually(fn, what, timeout = 10000) {
	const until = Date.now() + timeout;
	let last = null;
	for (let delay = 25; ; delay = Math.min(delay * 2, 250)) {
		try {
			const v = await fn();
			if (v) return v;
			last = null;
		} catch (e) {
			last = e;
		}
		if (Date.now() > until) {
			const msg = (typeof what === 'function' ? what() : what || 'condition') + ' not met within ' + timeout + ' ms';
			throw new Error(last ? msg + ': ' + (last.message || last) : msg);
		}
		await new Promise((r) => setTimeout(r, delay));
	}
}

export function assertEq(got, want, what) {
	if (got !== want) throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

/* --- the API (seeding) ---------------------------------------------------- */

let apiCtx = null;

async function http() {
	if (!apiCtx) apiCtx = await request.newContext({ baseURL: BASE, ignoreHTTPSErrors: true });
	return apiCtx;
}

/* method path [body] [token] [headers] -> parsed JSON; throws on an
 * unexpected status (want: one status or a list). */
export async function api(method, p, { body, token, headers, want, form } = {}) {
	const h = Object.assign({ Accept: 'application/json' }, headers || {});
	if (token) h.Authorization = 'Bearer ' + token;
	const opts = { method, headers: h, failOnStatusCode: false };
	if (form !== undefined) {
		opts.form = form; /* application/x-www-form-urlencoded */
	} else if (body !== undefined) {
		h['Content-Type'] = 'application/json';
		opts.data = JSON.stringify(body);
	}
	const res = await (await http()).fetch(p, opts);
	const text = await res.text();
	let data = null;
	try {
		data = text ? JSON.parse(text) : null;
	} catch {
		data = text;
	}
	const ok = want === undefined ? res.status() < 300 : [].concat(want).includes(res.status());
	if (!ok) throw new Error(`${method} ${p}: HTTP ${res.status()}: ${text.slice(0, 300)}`);
	return data;
}

function ctl(...args) {
	return execFileSync(CTL, ['-c', CONF, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/* A login token (JWT) for an account: from ibikictl when it is at hand
 * (the login location is rate-limited to 10 a minute), else a login. */
export async function tokenFor(username, password) {
	if (CTL && CONF) return ctl('token', username);
	const r = await api('POST', '/api/auth/login', { body: { username, password } });
	return r.token;
}

let adminTok = null;
export async function adminToken() {
	if (!adminTok) adminTok = await tokenFor('admin', ADMIN_PASSWORD);
	return adminTok;
}

export const adminApi = async (method, p, o = {}) => api(method, p, Object.assign({ token: await adminToken() }, o));

/* A new client with a Twilio route: {id, name, number, routeId}. */
export async function newClient(prefix) {
	const c = await adminApi('POST', '/api/admin/clients', { body: { name: unique(prefix) }, want: 201 });
	const number = phone();
	const r = await adminApi('POST', `/api/admin/clients/${c.id}/routes`,
		{ body: { provider: 'twilio', number }, want: 201 });
	return { id: c.id, name: c.name, number, routeId: r.id };
}

/* A new operator account of a client: {id, username, password, token}. */
export async function newOperator(clientId, prefix = 'op_') {
	const username = unique(prefix);
	const password = 'operator-pass-' + randomBytes(6).toString('hex');
	const a = await adminApi('POST', '/api/admin/accounts',
		{ body: { username, password, role: 'operator', clientId }, want: 201 });
	return { id: a.id, username, password, token: await tokenFor(username, password) };
}

/* Registers a user of the operator's client. */
export async function addUser(op, phoneNumber, name, status = 'active') {
	return api('POST', '/api/users', { token: op.token, body: { phoneNumber, name, status }, want: 201 });
}

/* Sends a message to a registered user, as the operator (the Twilio mock
 * takes it unless `to` is one of its magic numbers). */
export async function sendAs(op, to, text, want) {
	return api('POST', '/api/send-message', {
		token: op.token,
		headers: { 'Idempotency-Key': randomBytes(16).toString('hex') },
		body: { phoneNumber: to, messageContent: text, operatorId: op.username },
		want,
	});
}

/* X-Twilio-Signature of a form posted to path: HMAC-SHA1 over the public
 * URL and the sorted fields (name, value), base64. */
export function twilioSignature(p, fields) {
	const signed = PUBLIC_BASE + p + Object.keys(fields).sort().map((k) => k + fields[k]).join('');
	return createHmac('sha1', TWILIO_TOKEN).update(signed, 'utf8').digest('base64');
}

/* An inbound SMS from `from` to the route number `to`, as Twilio posts it. */
export async function inbound(from, to, text) {
	const fields = {
		ToCountry: 'US',
		MessageSid: 'SM' + randomBytes(16).toString('hex'),
		AccountSid: TWILIO_SID,
		From: from,
		To: to,
		Body: text,
		NumMedia: '0',
		SmsStatus: 'received',
		ApiVersion: '2010-04-01',
	};
	await api('POST', '/twilio/incoming', {
		form: fields,
		headers: { 'X-Twilio-Signature': twilioSignature('/twilio/incoming', fields) },
		want: 200,
	});
	return fields.MessageSid;
}

/* What the Twilio mock was asked to send to a number: [{body, from}]. */
export async function twilioSent(to) {
	const res = await (await http()).get(TWILIO_MOCK + '/_mock/requests?path=' +
		encodeURIComponent('/2010-04-01/Accounts/' + TWILIO_SID + '/Messages.json') + '&to=' + encodeURIComponent(to));
	if (!res.ok()) throw new Error('Twilio mock: HTTP ' + res.status());
	const recs = await res.json();
	return (Array.isArray(recs) ? recs : recs.requests || [])
		.filter((r) => r.method === 'POST')
		.map((r) => ({ body: (r.form && r.form.Body || [])[0], from: (r.form && r.form.From || [])[0] }));
}

/* A webhook URL the stack accepts (it resolves the host; the test stack
 * allows loopback): the receiver mock's when it runs. */
export function webhookUrl() {
	return (process.env.IBIKI_TEST_RECEIVER || BASE).replace(/\/+$/, '') + '/hooks/' + unique('browser-');
}

/* --- the browser ---------------------------------------------------------- */

let browser = null;

export async function launch() {
	if (browser) return browser;
	const args = ['--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--no-default-browser-check'];
	if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
	browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
	return browser;
}

export async function closeAll() {
	if (browser) await browser.close().catch(() => {});
	browser = null;
	if (apiCtx) await apiCtx.dispose().catch(() => {});
	apiCtx = null;
}

export const DESKTOP = { viewport: { width: 1366, height: 900 } };
export const MOBILE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/*
 * One test's browser state: its contexts and pages, the console errors
 * they logged, the HTTP errors the test means to provoke.  Chrome logs
 * every 4xx/5xx answer as a console error ("Failed to load resource: the
 * server responded with a status of 401"): only those allowed by status
 * and URL are not failures.
 */
class Run {
	constructor(name) {
		this.name = name;
		this.contexts = [];
		this.pages = [];
		this.errors = [];
		this.allowed = []; /* [{status, url: substring}] */
	}

	/* A deliberate error answer (say 401 after a logout): its console line
	 * is not a failure. */
	allowHttpError(status, urlPart = '') {
		this.allowed.push({ status, url: urlPart });
	}

	async context(opts = {}) {
		const b = await launch();
		const ctx = await b.newContext(Object.assign({ ignoreHTTPSErrors: true, baseURL: BASE, locale: 'en-US' }, DESKTOP, opts));
		ctx.setDefaultTimeout(10000);
		this.contexts.push(ctx);
		ctx.on('page', (p) => this.watch(p));
		return ctx;
	}

	watch(page) {
		if (this.pages.includes(page)) return;
		this.pages.push(page);
		page.on('console', (m) => {
			if (m.type() !== 'error') return;
			const loc = m.location() || {};
			this.errors.push({ text: m.text(), url: loc.url || '' });
		});
		page.on('pageerror', (e) => this.errors.push({ text: 'pageerror: ' + (e.stack || e.message || e), url: '' }));
		const busy = new Set();
		inflight.set(page, busy);
		const api = (r) => r.url().startsWith(BASE + '/api/');
		page.on('request', (r) => { if (api(r)) busy.add(r); });
		page.on('requestfinished', (r) => busy.delete(r));
		page.on('requestfailed', (r) => busy.delete(r));
	}

	/* A page of a browser with no session: the dashboard's first request,
	 * GET /api/auth/me, is answered 401 (and logged in the console). */
	async pageNoSession(opts = {}) {
		this.allowHttpError(401, '/api/auth/me');
		return this.page(opts);
	}

	/* A new page in a new context (or in ctx). */
	async page(opts = {}, ctx = null) {
		const c = ctx || await this.context(opts);
		const p = await c.newPage();
		this.watch(p);
		return p;
	}

	/* A page already logged in as the account with this token (the session
	 * cookie, as a login sets it), at path. */
	async pageAs(token, p = '/', opts = {}) {
		const ctx = await this.context(opts);
		await setSession(ctx, token);
		const page = await this.page({}, ctx);
		await page.goto(p);
		return page;
	}

	unexpectedErrors() {
		return this.errors.filter((e) => {
			const m = /status of (\d{3})/.exec(e.text);
			if (!m) return true;
			const status = Number(m[1]);
			return !this.allowed.some((a) => a.status === status && (e.url || '').includes(a.url));
		});
	}

	async screenshots() {
		mkdirSync(SHOTS, { recursive: true });
		const base = this.name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
		const out = [];
		let i = 0;
		for (const p of this.pages) {
			if (p.isClosed()) continue;
			const f = path.join(SHOTS, `${base}-${++i}.png`);
			try {
				await p.screenshot({ path: f, fullPage: true, timeout: 5000 });
				out.push(f);
			} catch {
				/* a crashed page: nothing to show */
			}
		}
		return out;
	}

	async close() {
		for (const c of this.contexts) await c.close().catch(() => {});
	}
}

/* The API requests of each page still under way. */
const inflight = new WeakMap();

/* Waits until none of the page's API requests is under way, and the page
 * has drawn what their answers changed (two animation frames later). */
export async function settled(page, timeout = 10000) {
	const busy = inflight.get(page) || new Set();
	await eventually(async () => {
		if (busy.size) return false;
		await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
		return busy.size === 0;
	}, () => 'the page\'s API requests to finish (' + [...busy].map((r) => r.url()).join(', ') + ')', timeout);
}

/* The session cookie of a login token, as POST /api/auth/login sets it. */
export async function setSession(ctx, token) {
	await ctx.addCookies([{
		name: 'ibiki_session', value: token, url: BASE, httpOnly: true, secure: true, sameSite: 'Strict',
	}]);
}

/*
 * browserTest(name, async (run) => {...}): a node:test test with its own
 * browser contexts.  It fails on any console error or uncaught page error
 * the test did not provoke on purpose, and on failure saves a full-page
 * screenshot of every page it opened under $IBIKI_TEST_DIR/browser/.
 */
export function browserTest(name, fn, opts = {}) {
	/* The area (the test file's name) in front of the test's. */
	const m = /([A-Za-z0-9_-]+)\.test\.mjs/.exec(new Error().stack.split('\n').slice(2).join('\n'));
	const full = (m ? m[1] + ': ' : '') + name;
	return test(full, { timeout: opts.timeout || 45000 }, async () => {
		const run = new Run(full);
		try {
			await fn(run);
			const bad = run.unexpectedErrors();
			if (bad.length) {
				throw new Error('console errors:\n' + bad.map((e) => '  ' + e.text + (e.url ? ' (' + e.url + ')' : '')).join('\n'));
			}
		} catch (e) {
			const shots = await run.screenshots();
			if (shots.length) {
				const note = '\nscreenshots: ' + shots.join(' ');
				/* The stack already holds the message: both are shown. */
				e.message += note;
				if (typeof e.stack === 'string' && !e.stack.includes(note)) e.stack += note;
			}
			throw e;
		} finally {
			await run.close();
		}
	});
}

/* --- the dashboard ------------------------------------------------------- */

/* Logs in through the form (Username, Password, "Log in"); answers the
 * login's response.  nginx lets 10 logins a minute through per IP (and the
 * integration tests before this suite may have used them up): on a 429 it
 * tries again after the Retry-After the answer gives, for up to 60 s; the
 * test's console may then show those 429s. */
export async function loginUI(page, username, password, run) {
	const until = Date.now() + 60000;
	for (;;) {
		await page.getByLabel('Username', { exact: true }).fill(username);
		await page.getByLabel('Password', { exact: true }).fill(password);
		const answer = page.waitForResponse((r) => r.url() === BASE + '/api/auth/login' && r.request().method() === 'POST');
		await page.getByRole('button', { name: 'Log in', exact: true }).click();
		const r = await answer;
		if (r.status() !== 429 || Date.now() > until) return r;
		if (run) run.allowHttpError(429, '/api/auth/login');
		const wait = Math.min(Math.max(Number(r.headers()['retry-after']) || 1, 1), 10);
		await new Promise((res) => setTimeout(res, wait * 1000));
	}
}

/* The element that has the focus: {tag, role, name, text}. */
export async function focused(page) {
	return page.evaluate(() => {
		const e = document.activeElement;
		if (!e) return null;
		return {
			tag: e.tagName.toLowerCase(),
			role: e.getAttribute('role'),
			id: e.id,
			text: (e.innerText || e.textContent || '').trim().slice(0, 200),
			label: e.getAttribute('aria-label'),
		};
	});
}

/* Whether the page scrolls sideways: document.documentElement.scrollWidth
 * against window.innerWidth, and against the viewport's own width: on a
 * phone (isMobile) Chrome zooms out to fit a page that is too wide, and
 * innerWidth grows with it (390 becomes 438), so that check alone passes. */
export async function overflow(page) {
	const o = await page.evaluate(() => ({
		scrollWidth: document.documentElement.scrollWidth,
		innerWidth: window.innerWidth,
		clientWidth: document.documentElement.clientWidth,
	}));
	const vp = page.viewportSize();
	o.width = Math.min(o.innerWidth, o.clientWidth, vp ? vp.width : Infinity);
	return o;
}

export async function assertNoOverflow(page, where) {
	const o = await overflow(page);
	if (o.scrollWidth > o.width) {
		const wide = await page.evaluate((w) => Array.from(document.querySelectorAll('body *'))
			.filter((e) => e.getBoundingClientRect().right > w + 1 && e.getClientRects().length > 0)
			.slice(0, 5)
			.map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '')), o.width);
		throw new Error(`${where}: the page scrolls sideways (scrollWidth ${o.scrollWidth} > ${o.width}; innerWidth ${o.innerWidth}); too wide: ${wide.join(', ')}`);
	}
}

/* Whether the locator's element is inside the viewport (at least partly). */
export async function inViewport(locator) {
	return locator.evaluate((e) => {
		const r = e.getBoundingClientRect();
		return r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
			r.top < window.innerHeight && r.left < window.innerWidth;
	});
}

/* --- axe-core ------------------------------------------------------------ */

const require = createRequire(import.meta.url);
let axeSource = null;

/* Runs axe on the page; fails on "serious" or "critical" violations.
 * The page's CSP (default-src 'self') refuses page.addScriptTag's inline
 * script (and logs a console error), but not the DevTools protocol's own
 * evaluation: axe is evaluated that way, so the page is scanned as it is
 * served, CSP and all, with no bypassCSP context. */
export async function axeScan(page, what) {
	if (!axeSource) axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
	if (!await page.evaluate(() => typeof window.axe === 'object')) await page.evaluate(axeSource);
	const r = await page.evaluate(async () => {
		const res = await window.axe.run(document, {
			resultTypes: ['violations'],
			runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
		});
		return res.violations.map((v) => ({
			id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + (n.failureSummary || '').split('\n').slice(1, 2).join('').trim()),
		}));
	});
	const bad = r.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	if (bad.length) {
		throw new Error(`axe (${what}): ${bad.length} serious or critical violation(s):\n` +
			bad.map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n` + v.nodes.map((n) => '      ' + n).join('\n')).join('\n'));
	}
	return r;
}
