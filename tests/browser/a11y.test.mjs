/*
 * axe-core scans of every view (issue 14): no "serious" or "critical"
 * violation on the login, the admin list and a client's details, the inbox
 * with a thread open, the send form, the message log and users.
 */
import { before, after } from 'node:test';
import {
	browserTest, closeAll, adminToken, newClient, newOperator, addUser, inbound, sendAs, api, phone, unique,
	eventually, axeScan, DESKTOP,
} from './lib.mjs';

let c, op;
const ann = { phone: null, name: null };
const stopper = { phone: null, name: null };

before(async () => {
	c = await newClient('Browser A11y ');
	op = await newOperator(c.id, 'brx_');
	ann.phone = phone();
	ann.name = unique('Ann ');
	stopper.phone = phone();
	stopper.name = unique('Stan ');
	await addUser(op, ann.phone, ann.name);
	await addUser(op, stopper.phone, stopper.name);
	await addUser(op, phone(), unique('Ina '), 'inactive');
	await inbound(ann.phone, c.number, 'Hello, is my order on its way?');
	await inbound(phone(), c.number, 'A message from an unknown number');
	await inbound(stopper.phone, c.number, 'STOP');
	await sendAs(op, ann.phone, 'Yes, it ships today.');
	await eventually(async () => (await api('GET', '/api/web/inbox?limit=50', { token: op.token })).conversations.length >= 3,
		'the seeded conversations', 15000);
});
after(closeAll);

const tab = (page, name) => page.getByRole('navigation', { name: 'Operator views' }).getByRole('button', { name, exact: true });

async function operatorPage(run) {
	const page = await run.pageAs(op.token, '/', DESKTOP);
	await page.getByRole('heading', { name: 'Inbox', level: 2 }).waitFor();
	await page.locator(`#conv-list button.conv[data-phone="${ann.phone}"]`).waitFor();
	return page;
}

async function adminPage(run) {
	const page = await run.pageAs(await adminToken(), '/', DESKTOP);
	await page.getByRole('heading', { name: 'Client management', level: 2 }).waitFor();
	await page.locator(`tr[data-client-id="${c.id}"]`).waitFor();
	return page;
}

browserTest('axe: the login view', async (run) => {
	const page = await run.pageNoSession(DESKTOP);
	await page.goto('/');
	await page.getByRole('heading', { name: 'Log in', level: 2 }).waitFor();
	await axeScan(page, 'login');
});

browserTest('axe: the admin client list', async (run) => {
	const page = await adminPage(run);
	await axeScan(page, 'admin list');
});

browserTest('axe: the admin client details', async (run) => {
	const page = await adminPage(run);
	await page.locator(`tr[data-client-id="${c.id}"]`).getByRole('button', { name: 'Details', exact: true }).click();
	const sec = page.locator('#client-details');
	await sec.getByRole('heading', { name: `${c.name} (#${c.id})`, exact: true }).waitFor();
	await sec.getByRole('table', { name: 'Operator accounts of ' + c.name }).waitFor();
	await axeScan(page, 'admin details');
});

browserTest('axe: the operator inbox with a thread open', async (run) => {
	const page = await operatorPage(run);
	await page.locator(`#conv-list button.conv[data-phone="${ann.phone}"]`).click();
	await page.locator('#thread-h').filter({ hasText: ann.phone }).waitFor();
	await page.locator('#thread-msgs li.msg').first().waitFor();
	await axeScan(page, 'inbox with a thread');
	/* And a thread whose reply is blocked. */
	await page.locator(`#conv-list button.conv[data-phone="${stopper.phone}"]`).click();
	await page.locator('#thread-h').filter({ hasText: stopper.phone }).waitFor();
	await page.locator('#reply-blocked').waitFor();
	await axeScan(page, 'inbox with an opted-out thread');
});

browserTest('axe: the send message view', async (run) => {
	const page = await operatorPage(run);
	await tab(page, 'Send message').click();
	await page.getByRole('heading', { name: 'Send message', level: 2 }).waitFor();
	await eventually(async () => (await page.getByRole('combobox', { name: 'Recipient (active users)' }).locator('option').count()) > 1,
		'the recipients loaded');
	await axeScan(page, 'send');
});

browserTest('axe: the message log', async (run) => {
	const page = await operatorPage(run);
	await tab(page, 'Message log').click();
	await page.getByRole('heading', { name: 'Message log', level: 2 }).waitFor();
	await page.getByRole('table', { name: 'Incoming messages' }).locator('tbody tr').first().waitFor();
	await page.getByRole('table', { name: 'Outgoing messages' }).locator('tbody tr').first().waitFor();
	await axeScan(page, 'message log');
});

browserTest('axe: the users view', async (run) => {
	const page = await operatorPage(run);
	await tab(page, 'Users').click();
	await page.getByRole('heading', { name: 'Users', level: 2 }).waitFor();
	await page.getByRole('table', { name: 'Registered users' }).getByText(ann.name).waitFor();
	await axeScan(page, 'users');
});
