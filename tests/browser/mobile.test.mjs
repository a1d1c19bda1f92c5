/*
 * A phone, 390x844 with touch (issue 14): no view scrolls sideways (admin
 * with a client's details open, the inbox, the message log, users), and
 * tapping a conversation brings its thread into view.
 */
import { before, after } from 'node:test';
import {
	browserTest, closeAll, adminToken, newClient, newOperator, addUser, inbound, sendAs, api, phone, unique,
	eventually, assertNoOverflow, inViewport, MOBILE,
} from './lib.mjs';

let c, op;
const people = [];

before(async () => {
	c = await newClient('Browser Mobile ');
	op = await newOperator(c.id, 'brm_');
	for (let i = 0; i < 6; i++) {
		const p = { phone: phone(), name: unique(i % 2 ? 'Maximilian-Alexander Long-Surname ' : 'Mo ') };
		people.push(p);
		await addUser(op, p.phone, p.name);
		await inbound(p.phone, c.number, 'A rather long message from a phone, to see that the list wraps it ' +
			'and does not widen the page: ' + 'x'.repeat(60) + ' ' + i);
	}
	await sendAs(op, people[0].phone, 'An answer with a long unbroken word: ' + 'https://example.com/' + 'a'.repeat(80));
	await eventually(async () => (await api('GET', '/api/web/inbox?limit=50', { token: op.token })).conversations.length >= people.length,
		'the seeded conversations', 15000);
});
after(closeAll);

const tab = (page, name) => page.getByRole('navigation', { name: 'Operator views' }).getByRole('button', { name, exact: true });

async function operatorPage(run) {
	const page = await run.pageAs(op.token, '/', MOBILE);
	await page.getByRole('heading', { name: 'Inbox', level: 2 }).waitFor();
	await page.locator(`#conv-list button.conv[data-phone="${people[0].phone}"]`).waitFor();
	return page;
}

browserTest('the admin view with a client\'s details open does not scroll sideways', async (run) => {
	const page = await run.pageAs(await adminToken(), '/', MOBILE);
	await page.getByRole('heading', { name: 'Client management', level: 2 }).waitFor();
	const row = page.locator(`tr[data-client-id="${c.id}"]`);
	await row.getByRole('button', { name: 'Details', exact: true }).tap();
	await page.locator('#client-details').getByRole('heading', { name: `${c.name} (#${c.id})`, exact: true }).waitFor();
	await page.locator('#client-details').getByRole('table', { name: 'Operator accounts of ' + c.name }).waitFor();
	await assertNoOverflow(page, 'admin with details');
});

browserTest('the operator inbox does not scroll sideways', async (run) => {
	const page = await operatorPage(run);
	await assertNoOverflow(page, 'inbox');
});

browserTest('the message log does not scroll sideways', async (run) => {
	const page = await operatorPage(run);
	await tab(page, 'Message log').tap();
	await page.getByRole('heading', { name: 'Message log', level: 2 }).waitFor();
	await page.getByRole('table', { name: 'Incoming messages' }).locator('tbody tr').first().waitFor();
	await page.getByRole('table', { name: 'Outgoing messages' }).locator('tbody tr').first().waitFor();
	await assertNoOverflow(page, 'message log');
});

browserTest('the users view does not scroll sideways', async (run) => {
	const page = await operatorPage(run);
	await tab(page, 'Users').tap();
	await page.getByRole('heading', { name: 'Users', level: 2 }).waitFor();
	await page.getByRole('table', { name: 'Registered users' }).getByText(people[1].name).waitFor();
	await assertNoOverflow(page, 'users');
});

browserTest('tapping a conversation brings its thread into view', async (run) => {
	const page = await operatorPage(run);
	const who = people[people.length - 1];
	await page.locator(`#conv-list button.conv[data-phone="${who.phone}"]`).tap();
	const heading = page.locator('#thread-h');
	await heading.filter({ hasText: who.phone }).waitFor();
	await eventually(async () => inViewport(heading), 'the thread\'s heading in the viewport');
});
