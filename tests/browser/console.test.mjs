/*
 * No console errors (issue 14): a tour of every view, as an admin (also
 * acting for a client) and as an operator, logs no console error and no
 * uncaught exception.  Every other test checks the same of its own pages
 * (lib.mjs, browserTest); this one walks all the views in one go.  The one
 * error answer it provokes (a user added twice: 409) is allowed by name.
 */
import { before, after } from 'node:test';
import {
	browserTest, closeAll, adminToken, newClient, newOperator, addUser, inbound, api, phone, unique,
	eventually, assertEq, DESKTOP,
} from './lib.mjs';

let c, op;
const dee = { phone: null, name: null };

before(async () => {
	c = await newClient('Browser Console ');
	op = await newOperator(c.id, 'brc_');
	dee.phone = phone();
	dee.name = unique('Dee ');
	await addUser(op, dee.phone, dee.name);
	await inbound(dee.phone, c.number, 'Hi there');
	await eventually(async () => (await api('GET', '/api/web/inbox?limit=50', { token: op.token })).conversations.length >= 1,
		'the seeded conversation', 15000);
});
after(closeAll);

const tab = (page, name) => page.getByRole('navigation', { name: 'Operator views' }).getByRole('button', { name, exact: true });

async function operatorTour(page) {
	await page.locator(`#conv-list button.conv[data-phone="${dee.phone}"]`).click();
	await page.locator('#thread-h').filter({ hasText: dee.phone }).waitFor();
	await page.locator('#thread-msgs').getByText('Hi there').waitFor();
	for (const [name, ready] of [
		['Send message', (p) => p.getByRole('heading', { name: 'Send message', level: 2 })],
		['Message log', (p) => p.getByRole('table', { name: 'Incoming messages' })],
		['Users', (p) => p.getByRole('table', { name: 'Registered users' })],
		['Inbox', (p) => p.getByRole('list', { name: 'Conversations' })],
	]) {
		await tab(page, name).click();
		await ready(page).waitFor();
	}
	await page.getByRole('button', { name: 'Refresh', exact: true }).click();
}

browserTest('a tour of the admin views and the inbox an admin opens for a client logs no errors', async (run) => {
	const page = await run.pageAs(await adminToken(), '/', DESKTOP);
	await page.getByRole('heading', { name: 'Client management', level: 2 }).waitFor();
	const row = page.locator(`tr[data-client-id="${c.id}"]`);
	await row.getByRole('button', { name: 'Details', exact: true }).click();
	const sec = page.locator('#client-details');
	await sec.getByRole('heading', { name: `${c.name} (#${c.id})`, exact: true }).waitFor();
	await sec.getByRole('button', { name: 'Reload deliveries' }).click();
	await sec.getByRole('button', { name: 'Close details' }).click();
	await sec.waitFor({ state: 'hidden' });
	await row.getByRole('button', { name: 'Open inbox', exact: true }).click();
	await page.getByRole('heading', { name: 'Inbox', level: 2 }).waitFor();
	await operatorTour(page);
	await page.getByRole('button', { name: 'Back to clients' }).click();
	await page.getByRole('heading', { name: 'Client management', level: 2 }).waitFor();
	await page.getByRole('button', { name: 'Log out' }).click();
	await page.getByRole('heading', { name: 'Log in', level: 2 }).waitFor();
});

browserTest('a tour of the operator views logs no errors, but for the 409 it provokes', async (run) => {
	const page = await run.pageAs(op.token, '/', DESKTOP);
	await page.getByRole('heading', { name: 'Inbox', level: 2 }).waitFor();
	await operatorTour(page);
	/* Adding a user that exists: a 409 on purpose, told in an alert. */
	await tab(page, 'Users').click();
	await page.getByRole('table', { name: 'Registered users' }).waitFor();
	run.allowHttpError(409, '/api/users');
	await page.getByLabel('Phone number (E.164)').fill(dee.phone);
	await page.getByLabel('Name', { exact: true }).fill('Dee again');
	const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/users' && r.request().method() === 'POST');
	await page.getByRole('button', { name: 'Add user' }).click();
	assertEq((await answered).status(), 409, 'adding an existing user');
	await page.getByRole('alert').filter({ hasText: /\S/ }).waitFor();
});
