/*
 * The session (issue 14): one cookie session per browser, shared by its
 * tabs (GET /api/auth/me on load); a logout in one tab shows the other the
 * plain-language message on its next action; after login the focus is on
 * the view's heading.
 */
import { after } from 'node:test';
import {
	browserTest, closeAll, adminToken, setSession, loginUI, focused, assertEq, eventually, ADMIN_PASSWORD, DESKTOP,
} from './lib.mjs';

after(closeAll);

const adminHeading = (page) => page.getByRole('heading', { name: 'Client management', level: 2 });

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

browserTest('after logout in one tab, the other says the session ended on its next action', async (run) => {
	const ctx = await run.context(DESKTOP);
	await setSession(ctx, await adminToken());
	const one = await run.page({}, ctx);
	const two = await run.page({}, ctx);
	for (const p of [one, two]) {
		await p.goto('/');
		await adminHeading(p).waitFor();
	}
	await two.getByRole('button', { name: 'Log out' }).click();
	await two.locator('#login-msg').filter({ hasText: 'You are logged out.' }).waitFor();
	/* The other tab's next request has no session: a 401, on purpose. */
	run.allowHttpError(401, '/api/');
	const refused = one.waitForResponse((r) => r.status() === 401);
	await one.getByRole('button', { name: 'Refresh', exact: true }).click();
	await refused;
	await one.getByRole('heading', { name: 'Log in', level: 2 }).waitFor();
	await one.locator('#login-msg').filter({ hasText: 'Your session has ended. Please log in again.' }).waitFor();
	const f = await focused(one);
	assertEq(f && f.id, 'login-user', 'the focus after the session ended');
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
