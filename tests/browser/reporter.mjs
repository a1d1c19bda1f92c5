/*
 * The node:test reporter of tests/browser/run: one line per test that
 * passes ("ok   name (1.2 s)"), the whole error of one that fails, a
 * summary line; nothing else.
 */
import path from 'node:path';

const secs = (ms) => (ms / 1000).toFixed(1) + ' s';

export default async function* reporter(source) {
	let pass = 0;
	let fail = 0;
	let skip = 0;
	for await (const ev of source) {
		const d = ev.data || {};
		/* The test names say their area (browserTest); a file is named when a
		 * whole file fails. */
		const file = d.file && !/lib\.mjs$/.test(d.file) && !/: /.test(d.name || '') ? path.basename(d.file) + ': ' : '';
		/* A file's own entry (its name is its path) stands for its tests. */
		const isFile = d.file && (d.name === d.file || path.resolve(d.name || '') === d.file);
		switch (ev.type) {
		case 'test:pass':
			if (isFile || (d.details && d.details.type === 'suite')) break;
			if (d.skip || d.todo) {
				skip++;
				yield `skip ${file}${d.name}\n`;
			} else {
				pass++;
				yield `ok   ${file}${d.name} (${secs(d.details.duration_ms)})\n`;
			}
			break;
		case 'test:fail': {
			const err = d.details && d.details.error;
			const cause = err && err.cause ? err.cause : err;
			/* A file whose tests failed: they were reported already. */
			if (isFile && cause && /failed|subtest/i.test(String(cause.message || '')) && fail > 0) break;
			fail++;
			let msg = cause ? (cause.stack || cause.message || String(cause)) : 'failed';
			msg = String(msg).split('\n').filter((l) => !/\(node:|at node:|node_modules\/playwright-core/.test(l)).join('\n');
			yield `FAIL ${isFile ? path.basename(d.file) + ' (the whole file)' : file + d.name} (${secs(d.details ? d.details.duration_ms : 0)})\n` +
				String(msg).split('\n').map((l) => '     ' + l).join('\n') + '\n';
			break;
		}
		case 'test:stderr':
		case 'test:stdout':
			/* Only shown when something fails: kept short. */
			if (d.message && /\S/.test(d.message) && !/^(TAP|#|ok |not ok)/.test(d.message)) yield `     ${file}${d.message.trimEnd()}\n`;
			break;
		default:
			break;
		}
	}
	yield `browser tests: ${pass} passed, ${fail} failed${skip ? ', ' + skip + ' skipped' : ''}\n`;
}
