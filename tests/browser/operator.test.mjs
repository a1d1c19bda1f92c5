/*
 * The operator's inbox (issue 14): conversations with names and
 * states (registered, not registered, opted out by an inbound STOP), the
 * reply blocked with a reason (opted out; only ever sent to), keyboard use
 * (Enter opens a conversation and the focus stays on it, also across the
 * 10 s auto-refresh; Ctrl+Enter replies, announced in a live region, and
 * Twilio gets exactly that message), search by name and by number prefix,
 * the unread count in the tab title.
 */
import { before, after } from 'node:test';
import {
	browserTest, closeAll, newClient, newOperator, addUser, inbound, sendAs, twilioSent, phone, unique,
	eventually, assertEq, api, settled, DESKTOP,
} from './lib.mjs';

let c, op;
const who = {};

before(async () => {
	c = await newClient('Browser Inbox ');
	op = await newOperator(c.id, 'bro_');
	who.alice = { phone: phone(), name: unique('Alice ') };
	who.bob = { phone: phone(), name: unique('Bob ') };
	who.sam = { phone: phone(), name: unique('Sam ') };
	who.olive = { phone: phone(), name: unique('Olive ') };
	who.stranger = { phone: phone() };
	for (const k of ['alice', 'bob', 'sam', 'olive']) await addUser(op, who[k].phone, who[k].name);
	await inbound(who.alice.phone, c.number, 'Hello from Alice');
	await inbound(who.bob.phone, c.number, 'Bob here, any news?');
	await inbound(who.stranger.phone, c.number, 'Who is this?');
	await inbound(who.sam.phone, c.number, 'Sam says hi');
	await inbound(who.sam.phone, c.number, 'STOP');
	await sendAs(op, who.olive.phone, 'Olive, your order is ready');
	/* Inbound messages may be spooled: wait until the inbox has them all. */
	await eventually(async () => {
		const r = await fetchInbox();
		const byPhone = new Map(r.conversations.map((x) => [x.phoneNumber, x]));
		return Object.values(who).every((w) => byPhone.has(w.phone)) && byPhone.get(who.sam.phone).optedOut === true;
	}, 'the seeded conversations in the inbox', 15000);
});
after(closeAll);

async function fetchInbox() {
	return api('GET', '/api/web/inbox?limit=200', { token: op.token });
}

/* A GET of the conversation list (a request or a response). */
const isInboxList = (r) => {
	const q = typeof r.request === 'function' ? r.request() : r;
	return new URL(q.url()).pathname === '/api/web/inbox' && q.method() === 'GET';
};

/* The operator's inbox, loaded; with clock, the page's timers are
 * Playwright's fake ones (they run in real time until fast-forwarded). */
async function inbox(run, { clock = false, opts = DESKTOP } = {}) {
	const page = await run.pageAs(op.token, 'about:blank', opts);
	if (clock) await page.clock.install();
	const answered = page.waitForResponse(isInboxList);
	await page.goto('/');
	const first = await answered;
	await page.getByRole('heading', { name: 'Inbox', level: 2 }).waitFor();
	await conv(page, who.alice.phone).waitFor();
	return { page, first };
}

const conv = (page, number) => page.locator(`#conv-list button.conv[data-phone="${number}"]`);
const threadHeading = (page) => page.locator('#thread-h');

browserTest('the inbox lists conversations with names and states: registered, not registered, opted out', async (run) => {
	const { page } = await inbox(run);
	const text = async (k) => (await conv(page, who[k].phone).innerText()).replace(/\s+/g, ' ');
	const alice = await text('alice');
	if (!alice.startsWith(who.alice.name) || !alice.includes(who.alice.phone)) throw new Error('Alice\'s conversation: ' + alice);
	if (!/\bregistered\b/.test(alice) || /not registered/.test(alice)) throw new Error('Alice is not shown registered: ' + alice);
	const stranger = await text('stranger');
	if (!stranger.startsWith(who.stranger.phone) || !/not registered/.test(stranger)) throw new Error('the stranger is not shown as an unknown number: ' + stranger);
	const sam = await text('sam');
	if (!sam.startsWith(who.sam.name) || !/opted out/.test(sam)) throw new Error('Sam (texted STOP) is not shown opted out: ' + sam);
	if (/opted out/.test(alice)) throw new Error('Alice shown opted out: ' + alice);
});

browserTest('a number that texted STOP shows the reply disabled, with the reason', async (run) => {
	const { page } = await inbox(run);
	await conv(page, who.sam.phone).click();
	await threadHeading(page).filter({ hasText: who.sam.phone }).waitFor();
	const why = page.locator('#reply-blocked');
	await why.waitFor();
	const reason = (await why.innerText()).trim();
	if (!/opt/i.test(reason)) throw new Error('the reason does not say the number opted out: ' + JSON.stringify(reason));
	await eventually(async () => page.getByRole('textbox', { name: 'Reply', exact: true }).isDisabled(), 'the Reply box disabled');
	assertEq(await page.getByRole('button', { name: 'Send reply' }).isDisabled(), true, 'Send reply disabled');
});

browserTest('a number only ever sent to shows the reply disabled, with the reason', async (run) => {
	const { page } = await inbox(run);
	await conv(page, who.olive.phone).click();
	await threadHeading(page).filter({ hasText: who.olive.phone }).waitFor();
	const why = page.locator('#reply-blocked');
	await why.waitFor();
	if ((await why.innerText()).trim() === '') throw new Error('no reason given');
	await eventually(async () => page.getByRole('textbox', { name: 'Reply', exact: true }).isDisabled(), 'the Reply box disabled');
	/* And not for a number that wrote in. */
	await conv(page, who.alice.phone).click();
	await threadHeading(page).filter({ hasText: who.alice.phone }).waitFor();
	await eventually(async () => !await page.getByRole('textbox', { name: 'Reply', exact: true }).isDisabled(), 'Reply enabled for Alice');
	await why.waitFor({ state: 'hidden' });
});

/* Opens a conversation from the keyboard; waits until the thread and the
 * list reloaded after it are shown. */
async function openWithEnter(page, number) {
	const button = conv(page, number);
	await button.focus();
	const thread = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/web/inbox/' + encodeURIComponent(number) ||
		new URL(r.url()).pathname === '/api/web/inbox/' + number);
	await page.keyboard.press('Enter');
	await thread;
	await threadHeading(page).filter({ hasText: number }).waitFor();
	await eventually(async () => await conv(page, number).getAttribute('aria-current') === 'true', 'aria-current on the open conversation');
	/* Whatever else opening it asked for (the list again) is in. */
	await settled(page);
}

async function focusIsOn(page, number) {
	await settled(page);
	const f = await page.evaluate(() => {
		const e = document.activeElement;
		return e ? { tag: e.tagName.toLowerCase(), phone: e.dataset ? e.dataset.phone || null : null, text: (e.textContent || '').trim().slice(0, 80) } : null;
	});
	if (!f || f.phone !== number) throw new Error(`focus is on ${JSON.stringify(f)}, not on the conversation button of ${number}`);
}

browserTest('Enter opens a conversation and the focus stays on its button', async (run) => {
	const { page } = await inbox(run);
	await openWithEnter(page, who.bob.phone);
	await focusIsOn(page, who.bob.phone);
	await page.locator('#thread-msgs').getByText('Bob here, any news?').waitFor();
});

browserTest('after the 10 s auto-refresh the focus is still on the open conversation', async (run) => {
	const { page } = await inbox(run, { clock: true });
	assertEq(await page.getByRole('checkbox', { name: 'Auto-refresh inbox every 10 s' }).isChecked(), true, 'auto-refresh on');
	await openWithEnter(page, who.alice.phone);
	await focusIsOn(page, who.alice.phone);
	/* The refresh timer's next list request: the clock jumps the 10 s
	 * (rather than the test waiting them out); nothing else is under way. */
	const req = page.waitForRequest(isInboxList, { timeout: 5000 });
	await page.clock.fastForward(10000);
	const refreshed = await (await req).response();
	assertEq(refreshed && refreshed.status(), 200, 'the refresh');
	await focusIsOn(page, who.alice.phone);
	await page.locator('#thread-h').filter({ hasText: who.alice.phone }).waitFor();
});

browserTest('Ctrl+Enter sends the reply, a live region announces it, and Twilio gets exactly that message', async (run) => {
	const { page } = await inbox(run);
	await conv(page, who.bob.phone).click();
	await threadHeading(page).filter({ hasText: who.bob.phone }).waitFor();
	const text = 'Browser reply ' + unique('');
	const earlier = (await twilioSent(who.bob.phone)).length;
	const box = page.getByRole('textbox', { name: 'Reply', exact: true });
	await box.fill(text);
	const sent = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/web/inbox/reply');
	await box.press('Control+Enter');
	assertEq((await sent).status(), 200, 'POST /api/web/inbox/reply');
	const live = page.locator('#reply-result');
	assertEq(await live.getAttribute('role'), 'status', '#reply-result role');
	await eventually(async () => /sent|queued/i.test(await live.innerText()), 'the result in the live region');
	await page.locator('#thread-msgs li.msg.out').filter({ hasText: text }).waitFor();
	const got = await eventually(async () => {
		const recs = (await twilioSent(who.bob.phone)).filter((x) => x.body === text);
		return recs.length ? recs : null;
	}, 'the reply at the Twilio mock');
	assertEq(got.length, 1, 'sends of the reply');
	assertEq(got[0].from, c.number, 'From of the reply');
	/* Nothing else went to Bob meanwhile. */
	assertEq((await twilioSent(who.bob.phone)).length, earlier + 1, 'messages Twilio got for Bob since the reply');
});

async function search(page, q) {
	const box = page.getByRole('searchbox', { name: 'Search conversations' });
	const answered = page.waitForResponse((r) => isInboxList(r) && new URL(r.url()).searchParams.get('q') === q);
	await box.fill(q);
	const r = await answered;
	assertEq(r.status(), 200, 'search ' + q);
	return r.json();
}

async function listed(page) {
	return page.locator('#conv-list button.conv').evaluateAll((bs) => bs.map((b) => b.dataset.phone));
}

browserTest('search by name filters the conversations', async (run) => {
	const { page } = await inbox(run);
	const q = who.alice.name.slice(0, who.alice.name.length - 2).toLowerCase();
	await search(page, q);
	await eventually(async () => {
		const l = await listed(page);
		return l.length === 1 && l[0] === who.alice.phone;
	}, 'only Alice listed after searching ' + JSON.stringify(q));
	await page.locator('#conv-status').filter({ hasText: /1 conversation/ }).waitFor({ state: 'attached' });
});

browserTest('search by number prefix filters the conversations', async (run) => {
	const { page } = await inbox(run);
	const q = who.stranger.phone.slice(0, -1);
	const r = await search(page, q);
	const want = r.conversations.map((x) => x.phoneNumber);
	if (!want.includes(who.stranger.phone)) throw new Error('the server did not find ' + who.stranger.phone + ' by ' + q);
	await eventually(async () => {
		const l = await listed(page);
		return l.length === want.length && l.every((p) => p.startsWith(q)) && l.includes(who.stranger.phone);
	}, 'only numbers starting ' + q + ' listed');
	/* Without the plus, alike. */
	await search(page, q.slice(1));
	await eventually(async () => (await listed(page)).includes(who.stranger.phone) &&
		(await listed(page)).every((p) => p.startsWith(q)), 'the same without the "+"');
});

browserTest('the tab title shows the unread count', async (run) => {
	await inbound(who.stranger.phone, c.number, 'Still there? ' + unique(''));
	const { page, first } = await inbox(run);
	/* The unread total of the latest list answer. */
	let latest = (await first.json()).unread;
	page.on('response', async (r) => {
		if (!isInboxList(r) || r.status() !== 200) return;
		try {
			latest = (await r.json()).unread;
		} catch {
			/* the page went away */
		}
	});
	const before = latest && latest.messages;
	if (!(before > 0)) throw new Error('the inbox answer has no unread messages: ' + JSON.stringify(latest));
	const want = () => (latest.messages > 0 ? `(${latest.messages}) Ibiki` : 'Ibiki');
	await eventually(async () => await page.title() === want(), () => `title "${want()}"`);
	/* Reading the stranger's conversation lowers it. */
	await conv(page, who.stranger.phone).click();
	await threadHeading(page).filter({ hasText: who.stranger.phone }).waitFor();
	await eventually(async () => latest.messages < before && await page.title() === want(),
		() => `the title after reading: want fewer than ${before} unread and "${want()}"`);
});
