/*
 * Admin, client management at 1366x900 (issue 14): the seed checklist of a
 * client row (delivery mode, webhook URL and secret, badge, warning), and
 * renaming, disabling and enabling a client, removing its webhook, its
 * operator accounts (list, disable, reset a password), deleting a route.
 */
import { before, after } from 'node:test';
import {
	browserTest, closeAll, adminApi, adminToken, newClient, newOperator, api, unique, phone,
	eventually, assertEq, webhookUrl, loginUI, DESKTOP,
} from './lib.mjs';

let admin;

before(async () => {
	admin = await adminToken();
});
after(closeAll);

/* The admin view with its clients loaded, and that client's row. */
async function adminView(run, client) {
	const page = await run.pageAs(admin, '/', DESKTOP);
	page.on('dialog', (d) => d.accept());
	await page.getByRole('heading', { name: 'Client management', level: 2 }).waitFor();
	const row = page.locator(`tr[data-client-id="${client.id}"]`);
	await row.waitFor();
	return { page, row };
}

browserTest('seed checklist: a client row has Poll/Push/Both, webhook URL and secret with Save, and the Not set badge', async (run) => {
	const c = await newClient('Browser Seed ');
	const { row } = await adminView(run, c);
	const modes = row.getByRole('group', { name: 'Delivery mode for ' + c.name, exact: true });
	for (const m of ['Poll', 'Push', 'Both']) await modes.getByRole('button', { name: m, exact: true }).waitFor();
	assertEq(await modes.getByRole('button', { name: 'Poll', exact: true }).getAttribute('aria-pressed'), 'true',
		'Poll pressed for a new client');
	await row.getByRole('textbox', { name: 'Webhook URL for ' + c.name, exact: true }).waitFor();
	await row.getByLabel('Webhook secret for ' + c.name + ' (').waitFor();
	await row.getByRole('button', { name: 'Save', exact: true }).waitFor();
	await row.getByText('Not set', { exact: true }).waitFor();
});

browserTest('seed checklist: saving a webhook URL flips the badge from Not set to Configured', async (run) => {
	const c = await newClient('Browser Hook ');
	const { page, row } = await adminView(run, c);
	await row.getByText('Not set', { exact: true }).waitFor();
	await row.getByRole('textbox', { name: 'Webhook URL for ' + c.name, exact: true }).fill(webhookUrl());
	const saved = page.waitForResponse((r) => r.url().endsWith(`/api/admin/clients/${c.id}/webhook`) && r.request().method() === 'POST');
	await row.getByRole('button', { name: 'Save', exact: true }).click();
	assertEq((await saved).status(), 200, 'POST webhook');
	/* No secret given: one is generated and shown once. */
	const dialog = page.locator('#once-dialog');
	await dialog.getByRole('button', { name: 'I have stored it' }).click();
	await row.getByText('Configured', { exact: true }).waitFor();
	assertEq(await row.getByText('Not set', { exact: true }).count(), 0, '"Not set" badges left in the row');
	const got = await adminApi('GET', `/api/admin/clients/${c.id}`);
	assertEq(got.webhook.configured, true, 'webhook.configured on the server');
});

browserTest('seed checklist: Push with no webhook shows the push_without_webhook warning', async (run) => {
	const c = await newClient('Browser Push ');
	const { page, row } = await adminView(run, c);
	const warn = row.locator('.client-warn');
	assertEq(await warn.isVisible(), false, 'a warning shown for a Poll client');
	const modes = row.getByRole('group', { name: 'Delivery mode for ' + c.name, exact: true });
	const answered = page.waitForResponse((r) => r.url().endsWith(`/api/admin/clients/${c.id}/delivery-mode`));
	await modes.getByRole('button', { name: 'Push', exact: true }).click();
	const body = await (await answered).json();
	const w = (body.warnings || []).find((x) => x.code === 'push_without_webhook');
	if (!w) throw new Error('the server gave no push_without_webhook warning: ' + JSON.stringify(body.warnings));
	await eventually(async () => await modes.getByRole('button', { name: 'Push', exact: true }).getAttribute('aria-pressed') === 'true',
		'Push pressed');
	await warn.filter({ hasText: w.message }).waitFor();
	assertEq(await warn.getAttribute('role'), 'status', 'the warning\'s role');
});

browserTest('renames a client', async (run) => {
	const c = await newClient('Browser Rename ');
	const { page, row } = await adminView(run, c);
	const name = unique('Browser Renamed ');
	await row.getByRole('textbox', { name: 'Rename ' + c.name, exact: true }).fill(name);
	const answered = page.waitForResponse((r) => r.url().endsWith(`/api/admin/clients/${c.id}`) && r.request().method() === 'PATCH');
	await row.getByRole('button', { name: 'Rename', exact: true }).click();
	assertEq((await answered).status(), 200, 'PATCH client');
	await row.locator('.client-name').filter({ hasText: name }).waitFor();
	await row.getByRole('group', { name: 'Delivery mode for ' + name, exact: true }).waitFor();
	assertEq((await adminApi('GET', `/api/admin/clients/${c.id}`)).name, name, 'the name on the server');
});

browserTest('disables a client and enables it again', async (run) => {
	const c = await newClient('Browser Disable ');
	const { row } = await adminView(run, c);
	await row.getByRole('button', { name: 'Disable ' + c.name, exact: true }).click();
	await row.getByRole('button', { name: 'Enable ' + c.name, exact: true }).waitFor();
	await row.getByText('disabled', { exact: true }).waitFor();
	assertEq((await adminApi('GET', `/api/admin/clients/${c.id}`)).status, 'disabled', 'status after Disable');
	await row.getByRole('button', { name: 'Enable ' + c.name, exact: true }).click();
	await row.getByRole('button', { name: 'Disable ' + c.name, exact: true }).waitFor();
	await row.getByText('active', { exact: true }).waitFor();
	assertEq((await adminApi('GET', `/api/admin/clients/${c.id}`)).status, 'active', 'status after Enable');
});

browserTest('removes a client\'s webhook', async (run) => {
	const c = await newClient('Browser Unhook ');
	await adminApi('POST', `/api/admin/clients/${c.id}/webhook`, { body: { url: webhookUrl() } });
	const { row } = await adminView(run, c);
	await row.getByText('Configured', { exact: true }).waitFor();
	await row.getByRole('button', { name: 'Remove webhook of ' + c.name, exact: true }).click();
	await row.getByText('Not set', { exact: true }).waitFor();
	assertEq(await row.getByRole('textbox', { name: 'Webhook URL for ' + c.name, exact: true }).inputValue(), '',
		'the URL field after removal');
	assertEq((await adminApi('GET', `/api/admin/clients/${c.id}`)).webhook.configured, false, 'webhook.configured on the server');
});

/* The details of a client, open: the section. */
async function details(page, row, c) {
	await row.getByRole('button', { name: 'Details', exact: true }).click();
	const sec = page.locator('#client-details');
	await sec.getByRole('heading', { name: `${c.name} (#${c.id})`, exact: true }).waitFor();
	return sec;
}

browserTest('lists a client\'s operator accounts and disables one', async (run) => {
	const c = await newClient('Browser Accounts ');
	const a = await newOperator(c.id, 'bra_');
	const b = await newOperator(c.id, 'brb_');
	const { page, row } = await adminView(run, c);
	const sec = await details(page, row, c);
	const table = sec.getByRole('table', { name: 'Operator accounts of ' + c.name, exact: true });
	await table.getByRole('cell', { name: a.username, exact: true }).waitFor();
	await table.getByRole('cell', { name: b.username, exact: true }).waitFor();
	await table.getByRole('button', { name: 'Disable ' + a.username, exact: true }).click();
	await table.getByRole('button', { name: 'Enable ' + a.username, exact: true }).waitFor();
	const accs = (await adminApi('GET', `/api/admin/accounts?clientId=${c.id}`)).accounts;
	assertEq(accs.find((x) => x.username === a.username).status, 'disabled', a.username + ' on the server');
	assertEq(accs.find((x) => x.username === b.username).status, 'active', b.username + ' on the server');
	await table.getByRole('button', { name: 'Disable ' + b.username, exact: true }).waitFor();
	/* Its session is refused from now on. */
	await api('GET', '/api/web/inbox', { token: a.token, want: 401 });
});

browserTest('resets an operator\'s password, and the operator logs in with the new one', async (run) => {
	const c = await newClient('Browser Reset ');
	const op = await newOperator(c.id, 'brr_');
	const { page, row } = await adminView(run, c);
	const sec = await details(page, row, c);
	const table = sec.getByRole('table', { name: 'Operator accounts of ' + c.name, exact: true });
	const fresh = 'new-password-' + unique('');
	await table.getByLabel('New password for ' + op.username, { exact: true }).fill(fresh);
	const tr = table.getByRole('row').filter({ has: page.getByLabel('New password for ' + op.username, { exact: true }) });
	const answered = page.waitForResponse((r) => r.url().endsWith(`/api/admin/accounts/${op.id}`) && r.request().method() === 'PATCH');
	await tr.getByRole('button', { name: 'Reset password', exact: true }).click();
	assertEq((await answered).status(), 200, 'PATCH account');

	const other = await run.pageNoSession(DESKTOP);
	await other.goto('/');
	assertEq((await loginUI(other, op.username, fresh, run)).status(), 200, 'login with the new password');
	/* An operator's login lands on the inbox. */
	await other.getByRole('heading', { name: 'Inbox', level: 2 }).waitFor();
	await other.getByRole('list', { name: 'Conversations' }).waitFor({ state: 'attached' });
}, { timeout: 90000 });

browserTest('deletes a route', async (run) => {
	const c = await newClient('Browser Route ');
	const second = await adminApi('POST', `/api/admin/clients/${c.id}/routes`, { body: { provider: 'twilio', number: phone() }, want: 201 });
	const { page, row } = await adminView(run, c);
	const sec = await details(page, row, c);
	const del = sec.getByRole('button', { name: 'Delete route ' + second.id, exact: true });
	await sec.getByRole('button', { name: 'Delete route ' + c.routeId, exact: true }).waitFor();
	const answered = page.waitForResponse((r) => r.url().endsWith(`/api/admin/clients/${c.id}/routes/${second.id}`) && r.request().method() === 'DELETE');
	await del.click();
	assertEq((await answered).status(), 200, 'DELETE route');
	await del.waitFor({ state: 'detached' });
	await sec.getByRole('button', { name: 'Delete route ' + c.routeId, exact: true }).waitFor();
	await adminApi('GET', `/api/admin/clients/${c.id}/routes/${second.id}`, { want: 404 });
});
