/*
 * The seed checklist's operator views that had no browser test: "Send
 * message" (an active user chosen in "Recipient (active users)" gets the
 * message, announced in a live region, and Twilio gets exactly that text;
 * an inactive user is not offered), "Users" (the "Add a user" form, the
 * Deactivate/Activate button, the "Show" filter), the message log's
 * toolbar "Refresh" (a message that came in after the log was shown), the
 * outgoing table's status and operator, the incoming table's "Registered"
 * and "Replied" columns for a registered and an unknown sender.
 */
import { before, after } from 'node:test';
import {
	browserTest, closeAll, newClient, newOperator, addUser, inbound, sendAs, twilioSent, api, phone, unique,
	eventually, assertEq, DESKTOP,
} from './lib.mjs';

let c, op, tag;
/* ada: an active recipient; ivan: inactive; reg: a registered sender;
 * ola, ina, oscar: the Users filter's active, inactive, opted out (STOP). */
const who = {};
let stranger;
const text = {};

before(async () => {
	c = await newClient('Browser Seed ');
	op = await newOperator(c.id, 'brs_');
	tag = unique('');
	for (const k of ['ada', 'ivan', 'reg', 'ola', 'ina', 'oscar', 'tess']) who[k] = { phone: phone(), name: unique(k[0].toUpperCase() + k.slice(1) + ' ') };
	stranger = phone();
	for (const k of ['ada', 'reg', 'ola', 'oscar', 'tess']) await addUser(op, who[k].phone, who[k].name, 'active');
	for (const k of ['ivan', 'ina']) await addUser(op, who[k].phone, who[k].name, 'inactive');
	text.fromReg = 'Hello from a registered sender ' + tag;
	text.fromStranger = 'Hello from an unknown sender ' + tag;
	text.toReg = 'Seeded outgoing ' + tag;
	await inbound(who.reg.phone, c.number, text.fromReg);
	await inbound(stranger, c.number, text.fromStranger);
	await inbound(who.oscar.phone, c.number, 'STOP');
	await sendAs(op, who.reg.phone, text.toReg);
	/* Inbound messages may be spooled, the acknowledgement sent after. */
	await eventually(async () => {
		const inc = await api('GET', '/api/messages/incoming?limit=200', { token: op.token });
		const byText = new Map(inc.messages.map((m) => [m.messageContent, m]));
		const oo = await api('GET', '/api/users?status=opted_out', { token: op.token });
		return byText.has(text.fromReg) && byText.get(text.fromReg).responseSent === true && byText.has(text.fromStranger) &&
			oo.users.some((u) => u.phoneNumber === who.oscar.phone);
	}, 'the seeded messages in the log and the STOP of ' + who.oscar.phone, 15000);
});
after(closeAll);

const tab = (page, name) => page.getByRole('navigation', { name: 'Operator views' }).getByRole('button', { name, exact: true });

/* The operator's dashboard at one of its views, its heading shown. */
async function operatorAt(run, name) {
	const page = await run.pageAs(op.token, '/', DESKTOP);
	await page.getByRole('heading', { name: 'Inbox', level: 2 }).waitFor();
	await tab(page, name).click();
	await page.getByRole('heading', { name, level: 2 }).waitFor();
	return page;
}

/* The cells of a table's rows, by heading: [{heading: text}]; a cell's
 * text nodes joined by a space (pills: "active opted out"). */
async function rows(table) {
	return table.evaluate((t) => {
		const text = (e) => {
			const w = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
			const out = [];
			for (let n = w.nextNode(); n; n = w.nextNode()) if (n.data.trim()) out.push(n.data.replace(/\s+/g, ' ').trim());
			return out.join(' ');
		};
		const heads = Array.from(t.querySelectorAll('thead th')).map((th) => th.textContent.trim());
		return Array.from(t.querySelectorAll('tbody tr')).map((tr) => Object.fromEntries(
			heads.map((h, i) => [h, tr.children[i] ? text(tr.children[i]) : ''])));
	});
}

/* The row whose column `heading` is `value`, once the table has it. */
async function rowWith(table, heading, value) {
	let last = [];
	return eventually(async () => {
		last = await rows(table);
		return last.find((r) => r[heading] === value);
	}, () => `a row with ${heading} "${value}" (rows: ${JSON.stringify(last.map((r) => r[heading])).slice(0, 300)})`);
}

/* --- Send message ------------------------------------------------------- */

const recipient = (page) => page.getByRole('combobox', { name: 'Recipient (active users)' });
const offered = (page) => recipient(page).locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));

browserTest('send message: an active user chosen as recipient gets exactly the typed text, announced in a live region', async (run) => {
	const page = await operatorAt(run, 'Send message');
	await eventually(async () => (await offered(page)).includes(who.ada.phone), 'Ada offered as a recipient');
	const earlier = (await twilioSent(who.ada.phone)).length;
	const msg = 'Browser send ' + unique('');
	await recipient(page).selectOption({ label: `${who.ada.name} (${who.ada.phone})` });
	await page.getByRole('textbox', { name: 'Message', exact: true }).fill(msg);
	const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/send-message' && r.request().method() === 'POST');
	await page.getByRole('button', { name: 'Send', exact: true }).click();
	const res = await answered;
	assertEq(res.status(), 200, 'POST /api/send-message');
	assertEq(JSON.parse(res.request().postData()).phoneNumber, who.ada.phone, 'the number sent to');
	const live = page.locator('#send-result');
	assertEq(await live.getAttribute('role'), 'status', '#send-result role');
	assertEq(await live.getAttribute('aria-live'), 'polite', '#send-result aria-live');
	await page.getByRole('status').filter({ hasText: `Sent to ${who.ada.phone}` }).waitFor();
	const got = await eventually(async () => {
		const recs = (await twilioSent(who.ada.phone)).filter((x) => x.body === msg);
		return recs.length ? recs : null;
	}, 'the message at the Twilio mock');
	assertEq(got.length, 1, 'sends of the message');
	assertEq(got[0].from, c.number, 'From of the message');
	assertEq((await twilioSent(who.ada.phone)).length, earlier + 1, 'messages Twilio got for Ada since the send');
	assertEq(await page.getByRole('textbox', { name: 'Message', exact: true }).inputValue(), '', 'the Message box after the send');
});

browserTest('send message: an inactive user is not offered as a recipient', async (run) => {
	const page = await operatorAt(run, 'Send message');
	await eventually(async () => (await offered(page)).includes(who.ada.phone), 'the active users offered');
	const values = await offered(page);
	if (values.includes(who.ivan.phone) || values.includes(who.ina.phone)) {
		throw new Error('an inactive user is offered: ' + JSON.stringify(values));
	}
	const labels = await recipient(page).locator('option').allTextContents();
	if (labels.some((l) => l.includes(who.ivan.name))) throw new Error('Ivan (inactive) is listed: ' + JSON.stringify(labels));
});

/* --- Users ---------------------------------------------------------------- */

const usersPane = (page) => page.locator('[data-pane="users"]');
const usersTable = (page) => page.getByRole('table', { name: 'Registered users' });

browserTest('users: the "Add a user" form adds the user to the "Registered users" table', async (run) => {
	const page = await operatorAt(run, 'Users');
	await usersTable(page).waitFor();
	const nu = { phone: phone(), name: unique('Nina ') };
	const pane = usersPane(page);
	await pane.getByRole('textbox', { name: 'Phone number (E.164)' }).fill(nu.phone);
	await pane.getByRole('textbox', { name: 'Name', exact: true }).fill(nu.name);
	await pane.getByRole('combobox', { name: 'Status', exact: true }).selectOption({ label: 'Inactive' });
	const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/users' && r.request().method() === 'POST');
	await pane.getByRole('button', { name: 'Add user' }).click();
	assertEq((await answered).status(), 201, 'POST /api/users');
	const row = await rowWith(usersTable(page), 'Phone number', nu.phone);
	assertEq(row.Name, nu.name, 'the new row\'s name');
	assertEq(row.Status, 'inactive', 'the new row\'s status');
	await usersTable(page).getByRole('button', { name: 'Activate ' + nu.name, exact: true }).waitFor();
});

browserTest('users: Deactivate and Activate flip the user\'s status in the table', async (run) => {
	const page = await operatorAt(run, 'Users');
	const table = usersTable(page);
	assertEq((await rowWith(table, 'Phone number', who.tess.phone)).Status, 'active', 'Tess\'s status at first');
	await table.getByRole('button', { name: 'Deactivate ' + who.tess.name, exact: true }).click();
	await eventually(async () => (await rowWith(table, 'Phone number', who.tess.phone)).Status === 'inactive', 'Tess shown inactive');
	await table.getByRole('button', { name: 'Activate ' + who.tess.name, exact: true }).click();
	await eventually(async () => (await rowWith(table, 'Phone number', who.tess.phone)).Status === 'active', 'Tess shown active again');
	await table.getByRole('button', { name: 'Deactivate ' + who.tess.name, exact: true }).waitFor();
	const u = (await api('GET', '/api/users?status=all', { token: op.token })).users.find((x) => x.phoneNumber === who.tess.phone);
	assertEq(u.status, 'active', 'Tess\'s status at the server');
});

browserTest('users: the "Show" filter shows all, active, inactive or opted-out users', async (run) => {
	const page = await operatorAt(run, 'Users');
	const table = usersTable(page);
	const show = page.getByRole('combobox', { name: 'Show', exact: true });
	const shown = async () => new Map((await rows(table)).map((r) => [r['Phone number'], r.Status]));
	const check = async (label, param, want, notWant, each) => {
		const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/users' &&
			new URL(r.url()).searchParams.get('status') === param);
		await show.selectOption({ label });
		assertEq((await answered).status(), 200, 'the list of ' + label);
		let last = new Map();
		await eventually(async () => {
			last = await shown();
			return want.every((k) => last.has(who[k].phone)) && !notWant.some((k) => last.has(who[k].phone)) &&
				[...last.values()].every(each);
		}, () => `"Show: ${label}" lists ${want.join(', ')} and not ${notWant.join(', ') || 'nobody'} (shown: ${JSON.stringify([...last])})`);
	};
	await rowWith(table, 'Phone number', who.ina.phone);
	await check('Active', 'active', ['ola', 'oscar'], ['ina', 'ivan'], (s) => /^active\b/.test(s));
	await check('Inactive', 'inactive', ['ina', 'ivan'], ['ola', 'oscar'], (s) => /^inactive\b/.test(s));
	await check('Opted out', 'opted_out', ['oscar'], ['ola', 'ina'], (s) => /opted out/.test(s));
	await check('All', 'all', ['ola', 'ina', 'oscar', 'ivan'], [], () => true);
});

/* --- Message log ---------------------------------------------------------- */

const incoming = (page) => page.getByRole('table', { name: 'Incoming messages' });
const outgoing = (page) => page.getByRole('table', { name: 'Outgoing messages' });

async function messageLog(run) {
	const page = await operatorAt(run, 'Message log');
	await incoming(page).locator('tbody tr').first().waitFor();
	await outgoing(page).locator('tbody tr').first().waitFor();
	return page;
}

browserTest('message log: a message that came in after the log was shown appears after "Refresh"', async (run) => {
	const page = await messageLog(run);
	/* No timer refresh meanwhile: only the button may bring it. */
	await page.getByRole('checkbox', { name: 'Auto-refresh inbox every 10 s' }).uncheck();
	await rowWith(incoming(page), 'Message', text.fromReg);
	const late = 'Came in later ' + unique('');
	await inbound(stranger, c.number, late);
	await eventually(async () => (await api('GET', '/api/messages/incoming?limit=50', { token: op.token }))
		.messages.some((m) => m.messageContent === late), 'the new message stored', 15000);
	if ((await rows(incoming(page))).some((r) => r.Message === late)) throw new Error('the new message shown before "Refresh"');
	const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/messages/incoming' && r.request().method() === 'GET');
	await page.getByRole('button', { name: 'Refresh', exact: true }).click();
	assertEq((await answered).status(), 200, 'the incoming list after Refresh');
	const row = await rowWith(incoming(page), 'Message', late);
	assertEq(row.From, stranger, 'the new row\'s sender');
});

browserTest('message log: the outgoing table shows a sent message with its status and operator', async (run) => {
	const page = await messageLog(run);
	const row = await rowWith(outgoing(page), 'Message', text.toReg);
	assertEq(row.To, who.reg.phone, 'To of the sent message');
	assertEq(row.Status, 'sent', 'Status of the sent message');
	assertEq(row.Operator, op.username, 'Operator of the sent message');
});

browserTest('message log: the incoming "Registered" and "Replied" columns say Yes for a registered sender, No for an unknown one', async (run) => {
	const page = await messageLog(run);
	const heads = await incoming(page).locator('thead th').allTextContents();
	for (const h of ['Registered', 'Replied']) if (!heads.map((x) => x.trim()).includes(h)) throw new Error(`no "${h}" column: ${heads}`);
	const reg = await rowWith(incoming(page), 'Message', text.fromReg);
	assertEq(reg.From, who.reg.phone, 'sender of the registered message');
	assertEq(reg.Registered, 'Yes', 'Registered of a registered sender');
	assertEq(reg.Replied, 'Yes', 'Replied of a registered sender');
	const unk = await rowWith(incoming(page), 'Message', text.fromStranger);
	assertEq(unk.From, stranger, 'sender of the unknown message');
	assertEq(unk.Registered, 'No', 'Registered of an unknown sender');
	assertEq(unk.Replied, 'No', 'Replied of an unknown sender');
});
