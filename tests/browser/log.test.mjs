/*
 * The message log (issue 14): its filters (incoming: phone number,
 * registered; outgoing: status, operator) change the rows, and paging with
 * "Older incoming" reaches the oldest of 120 seeded messages (3 pages of 50).
 */
import { before, after } from 'node:test';
import {
	browserTest, closeAll, newClient, newOperator, addUser, inbound, sendAs, api, phone, unique,
	eventually, assertEq, DESKTOP,
} from './lib.mjs';

const COUNT = 120;
const BAD = '+15005550001'; /* the Twilio mock refuses it: 21211, a failed send */
let c, opA, opB, tag;
const rita = { phone: null, name: null };
let stranger;
const body = (i) => `Log ${tag} ${String(i).padStart(3, '0')}`;

before(async () => {
	c = await newClient('Browser Log ');
	opA = await newOperator(c.id, 'brla_');
	opB = await newOperator(c.id, 'brlb_');
	tag = unique('');
	rita.phone = phone();
	rita.name = unique('Rita ');
	stranger = phone();
	await addUser(opA, rita.phone, rita.name);
	await addUser(opA, BAD, 'Bad number');
	/* One after the other, so that message 001 is the oldest. */
	for (let i = 1; i <= COUNT; i++) await inbound(i % 2 ? rita.phone : stranger, c.number, body(i));
	await sendAs(opA, rita.phone, 'From A one ' + tag);
	await sendAs(opA, rita.phone, 'From A two ' + tag);
	await sendAs(opB, rita.phone, 'From B one ' + tag);
	await sendAs(opA, BAD, 'To a bad number ' + tag, [200, 202, 400, 403, 422, 502, 503]);
	await eventually(async () => {
		const r = await api('GET', '/api/messages/incoming?limit=1000', { token: opA.token });
		const o = await api('GET', '/api/messages/outgoing?limit=100', { token: opA.token });
		return r.messages.length >= COUNT && o.messages.some((m) => m.status === 'failed');
	}, 'the seeded messages in the log (and the failed send)', 20000);
});
after(closeAll);

const isList = (dir) => (r) => new URL(r.url()).pathname === '/api/messages/' + dir && r.request().method() === 'GET';

/* The message log of operator opA, both tables loaded. */
async function messageLog(run) {
	const page = await run.pageAs(opA.token, '/', DESKTOP);
	await page.getByRole('heading', { name: 'Inbox', level: 2 }).waitFor();
	const inc = page.waitForResponse(isList('incoming'));
	const out = page.waitForResponse(isList('outgoing'));
	await page.getByRole('navigation', { name: 'Operator views' }).getByRole('button', { name: 'Message log', exact: true }).click();
	await Promise.all([inc, out]);
	await page.getByRole('heading', { name: 'Message log', level: 2 }).waitFor();
	await incoming(page).locator('tbody tr').first().waitFor();
	await outgoing(page).locator('tbody tr').first().waitFor();
	return page;
}

const incoming = (page) => page.getByRole('table', { name: 'Incoming messages' });
const outgoing = (page) => page.getByRole('table', { name: 'Outgoing messages' });

/* The texts of one column of a table, by its heading. */
async function column(table, heading) {
	return table.evaluate((t, h) => {
		const heads = Array.from(t.querySelectorAll('thead th')).map((th) => th.textContent.trim());
		const i = heads.indexOf(h);
		if (i < 0) throw new Error(`no column "${h}" (there are: ${heads.join(', ')})`);
		return Array.from(t.querySelectorAll('tbody tr')).map((tr) => (tr.children[i] ? tr.children[i].textContent.trim() : ''));
	}, heading);
}

async function rowsSettle(table, heading, ok, what) {
	let last = [];
	await eventually(async () => {
		last = await column(table, heading);
		return last.length > 0 && ok(last);
	}, () => `${what} (the "${heading}" column: ${JSON.stringify([...new Set(last)]).slice(0, 200)})`);
	return last;
}

browserTest('the phone number filter shows only that sender\'s incoming messages', async (run) => {
	const page = await messageLog(run);
	const before = await column(incoming(page), 'From');
	if (!before.includes(rita.phone) || !before.includes(stranger)) throw new Error('both senders expected unfiltered: ' + [...new Set(before)]);
	await page.getByRole('textbox', { name: 'Incoming: phone number' }).fill(stranger);
	const answered = page.waitForResponse((r) => isList('incoming')(r) && new URL(r.url()).searchParams.get('phoneNumber') === stranger);
	await page.getByRole('button', { name: 'Apply incoming filters' }).click();
	assertEq((await answered).status(), 200, 'the filtered list');
	const rows = await rowsSettle(incoming(page), 'From', (v) => v.every((x) => x === stranger), 'only the stranger\'s messages');
	assertEq(rows.length, 50, 'rows of the filtered first page (60 match)');
});

browserTest('the registered filter separates registered and unknown senders', async (run) => {
	const page = await messageLog(run);
	const sel = page.getByRole('combobox', { name: 'Incoming: registered' });
	let answered = page.waitForResponse((r) => isList('incoming')(r) && new URL(r.url()).searchParams.get('isRegistered') === 'false');
	await sel.selectOption({ label: 'No' });
	await answered;
	await rowsSettle(incoming(page), 'From', (v) => v.every((x) => x === stranger), 'registered: No shows only the unknown sender');
	answered = page.waitForResponse((r) => isList('incoming')(r) && new URL(r.url()).searchParams.get('isRegistered') === 'true');
	await sel.selectOption({ label: 'Yes' });
	await answered;
	await rowsSettle(incoming(page), 'From', (v) => v.every((x) => x === rita.phone), 'registered: Yes shows only Rita');
});

browserTest('the status filter shows only failed outgoing messages', async (run) => {
	const page = await messageLog(run);
	const before = await column(outgoing(page), 'Status');
	if (!before.some((s) => s !== 'failed')) throw new Error('no other status than failed unfiltered: ' + before);
	const answered = page.waitForResponse((r) => isList('outgoing')(r) && new URL(r.url()).searchParams.get('status') === 'failed');
	await page.getByRole('combobox', { name: 'Outgoing: status' }).selectOption({ label: 'failed' });
	await answered;
	await rowsSettle(outgoing(page), 'Status', (v) => v.every((x) => x === 'failed'), 'only failed messages');
	const to = await column(outgoing(page), 'To');
	if (!to.every((x) => x === BAD)) throw new Error('failed messages to other numbers than ' + BAD + ': ' + to);
});

browserTest('the operator filter shows only that operator\'s messages', async (run) => {
	const page = await messageLog(run);
	const before = await column(outgoing(page), 'Operator');
	if (!before.includes(opA.username) || !before.includes(opB.username)) throw new Error('both operators expected unfiltered: ' + [...new Set(before)]);
	await page.getByRole('textbox', { name: 'Outgoing: operator' }).fill(opB.username);
	const answered = page.waitForResponse((r) => isList('outgoing')(r) && new URL(r.url()).searchParams.get('operatorId') === opB.username);
	await page.getByRole('button', { name: 'Apply outgoing filters' }).click();
	await answered;
	const rows = await rowsSettle(outgoing(page), 'Operator', (v) => v.every((x) => x === opB.username), 'only ' + opB.username + '\'s messages');
	assertEq(rows.length, 1, 'messages of ' + opB.username);
});

browserTest('"Older incoming" pages back to the oldest seeded message', async (run) => {
	const page = await messageLog(run);
	const table = incoming(page);
	const older = page.getByRole('button', { name: 'Older incoming', exact: true });
	await table.getByText(body(COUNT), { exact: true }).waitFor();
	await page.locator('#in-page').filter({ hasText: 'Page 1' }).waitFor();
	for (const n of [2, 3]) {
		const answered = page.waitForResponse((r) => isList('incoming')(r) && new URL(r.url()).searchParams.has('before'));
		await older.click();
		assertEq((await answered).status(), 200, 'page ' + n);
		await page.locator('#in-page').filter({ hasText: 'Page ' + n }).waitFor();
	}
	await table.getByText(body(1), { exact: true }).waitFor();
	assertEq(await table.locator('tbody tr').count(), COUNT - 100, 'rows on the last page');
	await eventually(async () => older.isDisabled(), '"Older incoming" disabled on the last page');
	await page.getByRole('button', { name: 'Newest incoming', exact: true }).click();
	await table.getByText(body(COUNT), { exact: true }).waitFor();
	await page.locator('#in-page').filter({ hasText: 'Page 1' }).waitFor();
});
