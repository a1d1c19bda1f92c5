#!/usr/bin/env node
/*
 * Checks recorded HTTP answers against docs/openapi.yaml, and the spec
 * against the route table (app/ep/routes.c).
 *
 * Input: a JSONL file, one answer a line:
 *   {"method", "path", "status", "contentType", "body"}
 * where `path` has no query string and `body` is the parsed JSON body, or
 * null when the body was not JSON (or empty).
 *
 * For each record:
 *   - the operation is found by method + path template, the most literal
 *     template winning (`/api/web/inbox/reply` before
 *     `/api/web/inbox/{phoneNumber}`); HEAD uses the GET operation and has
 *     no body to check;
 *   - the status must be a documented response: its exact code, else its
 *     `4XX`/`5XX`-style range key, else -- for 4xx and 5xx only -- the
 *     operation's `default` (documented as "any other error"; a success
 *     never falls back to it);
 *   - the media type (parameters such as `; charset=utf-8` stripped) must
 *     be one the response documents; a JSON body is validated with Ajv
 *     against the response's schema, OpenAPI 3.0 `nullable` included (Ajv
 *     implements it natively), and must not carry members the schema does
 *     not declare (unless the schema says `additionalProperties`);
 *   - an error body's `error` code must be named in that response -- in its
 *     description (as `code`, in backquotes) or in one of its examples --
 *     or in the operation's `default` response, the generic errors any
 *     route can answer (`invalid_query`, nginx's own errors, ...).
 *
 * Records whose path matches no template (or whose method the path does
 * not have) are the router's or nginx's own answers to an unknown path
 * or method: they are checked against components/responses/OtherError,
 * the spec's generic error (an Error body, a 4xx/5xx status and a code it
 * names: `not_found`, `method_not_allowed`, ...).  Records outside the
 * API's path prefixes (the first segments of the route table: /api,
 * /twilio, ...) are the dashboard's static files and are only counted.
 *
 * Coverage: every route of the table must be an operation of the spec,
 * and must have been answered at least once by a record that passed every
 * check.  Exit status 1 when any record failed, a route is not in the
 * spec, or a route was not covered; 2 on bad usage or unreadable input.
 *
 * Usage: check-responses.mjs [--spec docs/openapi.yaml]
 *            [--routes app/ep/routes.c] records.jsonl
 * The spec is read through `redocly bundle --dereferenced` (this
 * folder's node_modules), so that every schema is self-contained.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const MAX_LINES = 40; /* of output, about */

function usage(msg) {
	if (msg) console.error(`check-responses: ${msg}`);
	console.error('usage: check-responses.mjs [--spec FILE] [--routes FILE] records.jsonl');
	process.exit(2);
}

function parseArgs(argv) {
	const o = { spec: join(root, 'docs/openapi.yaml'), routes: join(root, 'app/ep/routes.c'), records: null };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--spec' || a === '--routes') {
			if (i + 1 >= argv.length) usage(`${a} needs a file`);
			o[a.slice(2)] = argv[++i];
		} else if (a.startsWith('-')) {
			usage(`unknown option ${a}`);
		} else if (o.records === null) {
			o.records = a;
		} else {
			usage('one records file only');
		}
	}
	if (o.records === null) usage('no records file');
	return o;
}

/* The spec, with every $ref replaced by what it names. */
function loadSpec(file) {
	const dir = mkdtempSync(join(tmpdir(), 'ibiki-contract-'));
	const out = join(dir, 'openapi.json');
	try {
		const r = spawnSync(join(here, 'node_modules/.bin/redocly'),
			['bundle', file, '--dereferenced', '--ext', 'json', '--output', out],
			{ encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
		if (r.status !== 0) {
			console.error(r.stdout, r.stderr);
			usage(`redocly bundle ${file} failed`);
		}
		return JSON.parse(readFileSync(out, 'utf8'));
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/* {method, template} of every entry of the C route table. */
function loadRoutes(file) {
	const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
	const re = /\{\s*M_(GET|POST|PUT|PATCH|DELETE)\s*,\s*"([^"]+)"/g;
	const routes = [];
	for (let m; (m = re.exec(text)) !== null;) routes.push({ method: m[1], template: m[2] });
	if (routes.length === 0) usage(`no routes found in ${file}`);
	return routes;
}

function operations(spec) {
	const ops = [];
	for (const [template, item] of Object.entries(spec.paths || {})) {
		const segs = template.split('/');
		for (const m of METHODS) {
			if (item[m]) ops.push({ method: m.toUpperCase(), template, segs, op: item[m] });
		}
	}
	return ops;
}

function segMatch(tsegs, psegs) {
	if (tsegs.length !== psegs.length) return false;
	for (let i = 0; i < tsegs.length; i++) {
		const t = tsegs[i];
		if (/^\{[^}]+\}$/.test(t)) {
			if (psegs[i] === '') return false;
		} else if (t !== psegs[i]) {
			return false;
		}
	}
	return true;
}

/* More literal segments, earlier, wins. */
function moreSpecific(a, b) {
	for (let i = 0; i < a.segs.length; i++) {
		const pa = a.segs[i].startsWith('{'), pb = b.segs[i].startsWith('{');
		if (pa !== pb) return pa ? 1 : -1;
	}
	return 0;
}

/* {op} for a method + path, {pathOnly: true} when only the method is unknown, or null. */
function findOperation(ops, method, path) {
	const psegs = path.split('/');
	const onPath = ops.filter((o) => segMatch(o.segs, psegs));
	if (onPath.length === 0) return null;
	const want = method === 'HEAD' && !onPath.some((o) => o.method === 'HEAD') ? 'GET' : method;
	const c = onPath.filter((o) => o.method === want).sort(moreSpecific);
	return c.length ? c[0] : { pathOnly: true };
}

function findResponse(responses, status) {
	const code = String(status);
	if (responses[code]) return { key: code, resp: responses[code] };
	const range = `${code[0]}XX`;
	for (const k of Object.keys(responses)) {
		if (k.toUpperCase() === range) return { key: k, resp: responses[k] };
	}
	if (status >= 400 && responses.default) return { key: 'default', resp: responses.default };
	return null;
}

function findMedia(content, mt) {
	const keys = Object.keys(content);
	const [type] = mt.split('/');
	for (const want of [mt, `${type}/*`, '*/*']) {
		const k = keys.find((x) => x.toLowerCase() === want);
		if (k !== undefined) return content[k];
	}
	return null;
}

function isJsonType(mt) {
	return mt === 'application/json' || mt.endsWith('+json');
}

function newAjv() {
	const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
	addFormats(ajv);
	/* OpenAPI's own formats: sizes and hints, not string shapes to check. */
	for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) ajv.addFormat(f, true);
	return ajv;
}

function ajvMessage(e) {
	const where = e.instancePath || '/';
	const extra = e.keyword === 'enum' ? ` ${JSON.stringify(e.params.allowedValues)}` : '';
	return `${where} ${e.message}${extra}`;
}

/*
 * Members of `value` that `schema` does not declare, as JSON pointers.
 * An object schema (its allOf branches merged, and the oneOf/anyOf
 * branches the value matches) declares its `properties`; it allows any
 * member when it or a merged branch has `additionalProperties` (true or a
 * schema).  Arrays and declared members are walked into.
 */
function undeclared(ajv, schema, value, path, out) {
	if (!schema || typeof schema !== 'object' || value === null || typeof value !== 'object') return;
	const parts = [];
	const collect = (s) => {
		if (!s || typeof s !== 'object') return;
		parts.push(s);
		for (const b of s.allOf || []) collect(b);
		for (const b of [...(s.oneOf || []), ...(s.anyOf || [])]) {
			if (ajv.validate(b, value)) collect(b);
		}
	};
	collect(schema);
	if (Array.isArray(value)) {
		const items = parts.map((s) => s.items).filter(Boolean);
		value.forEach((v, i) => items.forEach((s) => undeclared(ajv, s, v, `${path}/${i}`, out)));
		return;
	}
	const props = {};
	let open = false, typed = false;
	for (const s of parts) {
		if (s.properties) {
			typed = true;
			for (const [k, v] of Object.entries(s.properties)) (props[k] ||= []).push(v);
		}
		if (s.type === 'object') typed = true;
		if (s.additionalProperties !== undefined && s.additionalProperties !== false) open = true;
	}
	if (!typed) return;
	for (const [k, v] of Object.entries(value)) {
		if (props[k]) props[k].forEach((s) => undeclared(ajv, s, v, `${path}/${k}`, out));
		else if (!open) out.push(`${path}/${k}`);
	}
}

/* The error codes a response names: `code` in its description, `error` of its examples. */
function documentedCodes(resp, media) {
	const codes = new Set();
	for (const m of (resp.description || '').matchAll(/`([a-z][a-z0-9_]*)`/g)) codes.add(m[1]);
	const ex = [];
	if (media) {
		if (media.example !== undefined) ex.push(media.example);
		for (const e of Object.values(media.examples || {})) ex.push(e && e.value);
	}
	for (const e of ex) if (e && typeof e.error === 'string') codes.add(e.error);
	return codes;
}

/* A list of problems with one record against one response (empty: it passes). */
function checkAgainst(ajv, cache, rec, resp, fallback) {
	const problems = [];
	const head = rec.method === 'HEAD';
	const mt = (rec.contentType || '').split(';')[0].trim().toLowerCase();
	const content = resp.content || {};
	if (Object.keys(content).length === 0) {
		if (!head && (rec.body !== null || mt !== '')) problems.push(`a body (${mt || 'no type'}) where the spec documents none`);
		return problems;
	}
	if (mt === '') {
		if (!head) problems.push('no Content-Type; documented: ' + Object.keys(content).join(', '));
		return problems;
	}
	const media = findMedia(content, mt);
	if (!media) {
		problems.push(`media type ${mt} not documented (documented: ${Object.keys(content).join(', ')})`);
		return problems;
	}
	if (head || !isJsonType(mt)) return problems;
	if (rec.body === null) {
		problems.push(`${mt} answer whose body is not JSON`);
		return problems;
	}
	if (media.schema) {
		const key = JSON.stringify(media.schema);
		let v = cache.get(key);
		if (!v) {
			try {
				v = ajv.compile(media.schema);
			} catch (e) {
				v = { schemaError: e.message };
			}
			cache.set(key, v);
		}
		if (v.schemaError) {
			problems.push(`the spec's schema does not compile: ${v.schemaError}`);
			return problems;
		}
		if (!v(rec.body)) {
			problems.push(ajvMessage(v.errors[0]));
			return problems;
		}
		const extra = [];
		undeclared(ajv, media.schema, rec.body, '', extra);
		if (extra.length) problems.push(`undeclared member ${extra[0]}${extra.length > 1 ? ` (+${extra.length - 1})` : ''}`);
	}
	if (rec.status >= 400 && rec.body && typeof rec.body.error === 'string') {
		const named = documentedCodes(resp, media).has(rec.body.error) ||
			(fallback && fallback !== resp && documentedCodes(fallback, findMedia(fallback.content || {}, mt)).has(rec.body.error));
		if (!named) problems.push(`error code ${rec.body.error} not named by this response`);
	}
	return problems;
}

function main() {
	const opt = parseArgs(process.argv.slice(2));
	const spec = loadSpec(opt.spec);
	const ops = operations(spec);
	const routes = loadRoutes(opt.routes);
	const generic = spec.components && spec.components.responses && spec.components.responses.OtherError;
	if (!generic) usage('the spec has no components/responses/OtherError');
	const prefixes = new Set(routes.map((r) => r.template.split('/')[1]));

	let lines;
	try {
		lines = readFileSync(opt.records, 'utf8').split('\n');
	} catch (e) {
		usage(`cannot read ${opt.records}: ${e.message}`);
	}

	const ajv = newAjv();
	const cache = new Map();
	const failures = new Map(); /* group key -> {count, example} */
	const passedOps = new Set(), successOps = new Set();
	let checked = 0, failed = 0, unknown = 0, dashboard = 0, bad = 0;
	const fail = (key, code) => {
		failed++;
		const g = failures.get(key) || { count: 0, codes: new Set() };
		g.count++;
		if (code) g.codes.add(code);
		failures.set(key, g);
	};

	lines.forEach((line, i) => {
		if (line.trim() === '') return;
		let rec;
		try {
			rec = JSON.parse(line);
		} catch {
			bad++;
			fail(`line ${i + 1}: not JSON`);
			return;
		}
		if (typeof rec.method !== 'string' || typeof rec.path !== 'string' || !Number.isInteger(rec.status)) {
			bad++;
			fail(`line ${i + 1}: not a record (method, path, status)`);
			return;
		}
		rec.method = rec.method.toUpperCase();
		if (rec.body === undefined) rec.body = null;
		if (!prefixes.has(rec.path.split('/')[1])) {
			dashboard++;
			return;
		}
		checked++;
		const code = rec.body && typeof rec.body.error === 'string' ? rec.body.error : null;
		const found = findOperation(ops, rec.method, rec.path);
		if (!found || found.pathOnly) {
			unknown++;
			const what = found ? 'known path, undocumented method' : 'unknown path';
			const label = `${rec.method} ${rec.path} ${rec.status} (${what})`;
			if (rec.status < 400) {
				fail(`${label}: a success for an operation the spec does not have`, code);
				return;
			}
			const p = checkAgainst(ajv, cache, rec, generic);
			if (p.length) fail(`${label} vs OtherError: ${p[0]}`, code);
			return;
		}
		const opKey = `${found.method} ${found.template}`;
		const r = findResponse(found.op.responses || {}, rec.status);
		if (!r) {
			fail(`${opKey} ${rec.status}: status not documented`, code);
			return;
		}
		const p = checkAgainst(ajv, cache, rec, r.resp, found.op.responses.default);
		if (p.length) {
			fail(`${opKey} ${rec.status}${r.key === String(rec.status) ? '' : ` (as ${r.key})`}: ${p[0]}`, code);
			return;
		}
		passedOps.add(opKey);
		if (rec.status < 300) successOps.add(opKey);
	});

	const specOps = new Set(ops.map((o) => `${o.method} ${o.template}`));
	const tableOps = new Set(routes.map((r) => `${r.method} ${r.template}`));
	const notInSpec = [...tableOps].filter((k) => !specOps.has(k));
	const notInTable = [...specOps].filter((k) => !tableOps.has(k));
	const uncovered = [...tableOps].filter((k) => !passedOps.has(k));
	const errorsOnly = [...tableOps].filter((k) => passedOps.has(k) && !successOps.has(k));

	const tail = [];
	if (notInSpec.length) tail.push(`routes not in the spec (${notInSpec.length}): ${notInSpec.join(', ')}`);
	if (notInTable.length) tail.push(`spec operations not in the route table (${notInTable.length}): ${notInTable.join(', ')}`);
	tail.push(`routes covered: ${tableOps.size - uncovered.length}/${tableOps.size}`);
	for (const k of uncovered) tail.push(`  uncovered: ${k}`);
	if (errorsOnly.length) tail.push(`covered by error answers only (${errorsOnly.length}): ${errorsOnly.join(', ')}`);

	const out = [];
	out.push(`records: ${checked} checked (${unknown} for unknown paths or methods, checked as OtherError), ` +
		`${dashboard} dashboard (not API, skipped), ${failed} failed${bad ? `, ${bad} unreadable` : ''}`);
	if (failures.size) {
		/* Keep the whole output within MAX_LINES: the failure kinds give way. */
		const room = Math.max(5, MAX_LINES - tail.length - 3);
		const sorted = [...failures.entries()].sort((a, b) => b[1].count - a[1].count);
		out.push(`failures (${failures.size} kinds; count, method template status: first problem [error codes]):`);
		for (const [k, g] of sorted.slice(0, room)) {
			const codes = g.codes.size ? ` [${[...g.codes].slice(0, 3).join(', ')}]` : '';
			out.push(`  ${String(g.count).padStart(4)}x ${k}${codes}`);
		}
		if (sorted.length > room) out.push(`  ... and ${sorted.length - room} more kinds`);
	}
	out.push(...tail);
	console.log(out.join('\n'));
	process.exit(failed || notInSpec.length || uncovered.length ? 1 : 0);
}

main();
