/*
 * The session (issue 14): one cookie session per browser, shared by its
 * tabs (GET /api/auth/me on load, and again when a tab becomes visible,
 * gets the focus or hears another tab's login or logout on the
 * BroadcastChannel 'ibiki-session'); a logout in one tab shows the other
 * the plain-language message at once, a cookie gone without a word on its
 * next action or when it becomes visible; a login as someone else is that
 * account's view; after login the focus is on the view's heading.
 */
import { after } from 'node:test';
import {
	browserTest, closeAll, adminToken, setSession, loginUI, focused, assertEq, eventually, newClient, newOperator,
	ADMIN_PASSWORD, DESKTOP,
} from './lib.mjs';

after(closeAll);

const adminHeading = (page) => page.getByRole('heading', { name: 'Client management', level: 2 });
const ENDED = 'Your session has ended. Please log in again.';

/* An admin's dashboard in ctx (a browser with the admin's cookie). */
async function adminTab(run, ctx) {
	const p = await run.page({}, ctx);
	await p.goto('/');
	await adminHeading(p).waitFor();
	return p;
}

browserTest('after login, a second tab of the same browser opens the dashboard without asking to log in', async (run) => {
	/* The login itself: the cookie it sets (the login form's own test is
	 * the focus one below: logins are rate-limited). */
	const ctx = await run.context(DESKTOP);
	await setSession(ctx, await adminToken());
	const first = await run.page({}, ctx);
	await first.goto('/');
	await adminHeading(first).waitFor();
	const second = await run.page({}, ctx);
	const me = second.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/me');
	await second.goto('/');
	assertEq((await me).status(), 200, 'GET /api/auth/me in the second tab');
	await adminHeading(second).waitFor();
	assertEq(await second.getByRole('heading', { name: 'Log in' }).isVisible(), false, 'the login form shown in the second tab');
});

browserTest('after logout in one tab, the other says the session ended at once, with no action of its own', async (run) => {
	const ctx = await run.context(DESKTOP);
	await setSession(ctx, await adminToken());
	const one = await adminTab(run, ctx);
	const two = await adminTab(run, ctx);
	/* The other tab asks /api/auth/me when told of the logout: a 401, on purpose. */
	run.allowHttpError(401, '/api/auth/me');
	await two.getByRole('button', { name: 'Log out' }).click();
	await two.locator('#login-msg').filter({ hasText: 'You are logged out.' }).waitFor();
	await one.getByRole('heading', { name: 'Log in', level: 2 }).waitFor();
	await one.locator('#login-msg').filter({ hasText: ENDED }).waitFor();
	const f = await focused(one);
	assertEq(f && f.id, 'login-user', 'the focus after the session ended');
});

browserTest('a cookie gone without a word ends the session on the next action', async (run) => {
	const ctx = await run.context(DESKTOP);
	await setSession(ctx, await adminToken());
	const page = await adminTab(run, ctx);
	await ctx.clearCookies(); /* another tab's logout, with no message (no BroadcastChannel) */
	run.allowHttpError(401, '/api/');
	const refused = page.waitForResponse((r) => r.status() === 401);
	await page.getByRole('button', { name: 'Refresh', exact: true }).click();
	await refused;
	await page.getByRole('heading', { name: 'Log in', level: 2 }).waitFor();
	await page.locator('#login-msg').filter({ hasText: ENDED }).waitFor();
});

browserTest('a logout the tab was not told of is noticed when it becomes visible or gets the focus', async (run) => {
	const ctx = await run.context(DESKTOP);
	await setSession(ctx, await adminToken());
	const shown = await adminTab(run, ctx);
	const focus = await adminTab(run, ctx);
	await ctx.clearCookies(); /* another tab's logout, with no message */
	run.allowHttpError(401, '/api/auth/me');
	const asked = (p) => p.waitForResponse((r) => new URL(r.url()).pathname === '/api/auth/me');
	let me = asked(shown);
	await shown.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
	assertEq((await me).status(), 401, 'GET /api/auth/me on becoming visible');
	await shown.locator('#login-msg').filter({ hasText: ENDED }).waitFor();
	me = asked(focus);
	await focus.evaluate(() => window.dispatchEvent(new Event('focus')));
	assertEq((await me).status(), 401, 'GET /api/auth/me on the focus');
	await focus.locator('#login-msg').filter({ hasText: ENDED }).waitFor();
	assertEq((await focused(focus)).id, 'login-user', 'the focus after the session ended');
});

browserTest('a login as someone else in another tab is noticed on the focus: that account\'s view', async (run) => {
	const c = await newClient('Browser Session ');
	const op = await newOperator(c.id, 'bss_');
	const ctx = await run.context(DESKTOP);
	await setSession(ctx, await adminToken());
	const page = await adminTab(run, ctx);
	await setSession(ctx, op.token); /* another tab logged in as the operator, with no message */
	await page.evaluate(() => window.dispatchEvent(new Event('focus')));
	await page.getByRole('heading', { name: 'Inbox', level: 2 }).waitFor();
	await page.locator('#who-name').filter({ hasText: op.username }).waitFor();
	await page.locator('#clients-body tr').first().waitFor({ state: 'detached' });
	assertEq(await page.getByRole('heading', { name: 'Log in' }).isVisible(), false, 'the login form shown');
});

browserTest('after login the focus is on the view\'s heading, not on <body>', async (run) => {
	const page = await run.pageNoSession(DESKTOP);
	await page.goto('/');
	await page.getByRole('heading', { name: 'Log in', level: 2 }).waitFor();
	assertEq((await loginUI(page, 'admin', ADMIN_PASSWORD, run)).status(), 200, 'login');
	await adminHeading(page).waitFor();
	const f = await eventually(async () => {
		const x = await focused(page);
		return x && x.tag !== 'body' && x.tag !== 'button' ? x : null;
	}, 'the focus to leave <body> and the login button');
	assertEq(f.tag, 'h2', 'the focused element');
	assertEq(f.text, 'Client management', 'the focused heading');
}, { timeout: 90000 });
