/*
 * Writing the spool: the request as a JSON document, to a dot-file that
 * is fsynced, renamed into place and whose directory is fsynced, so a
 * spooled webhook survives a crash once spool_write returns 0.
 */
#include "svc/spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/crypto.h"
#include "lib/enc.h"
#include "lib/jsonw.h"
#include "lib/timeutil.h"

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int spool_write(const char *dir, const char *kind, const char *body, size_t len)
{
	char tmp[4096], final[4096], ts[32], rnd_hex[17];
	unsigned char rnd[8];
	struct buf b;
	struct jsonw w;
	int fd, dfd, ret = -1, saved;

	crypto_random(rnd, sizeof(rnd));
	enc_hex(rnd, sizeof(rnd), rnd_hex);
	timeutil_iso_now(ts, sizeof(ts));
	snprintf(final, sizeof(final), "%s/%lld-%d-%s.json", dir, (long long)timeutil_now_ms(),
		 (int)getpid(), rnd_hex);
	snprintf(tmp, sizeof(tmp), "%s/.%lld-%d-%s.tmp", dir, (long long)timeutil_now_ms(),
		 (int)getpid(), rnd_hex);

	buf_init(&b, len * 6 + 256);
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kstr(&w, "kind", kind);
	jsonw_kstr(&w, "receivedAt", ts);
	jsonw_kstrn(&w, "body", body, len);
	jsonw_obj_end(&w);
	if (jsonw_failed(&w)) {
		buf_free(&b);
		errno = ENOMEM;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	if (write_all(fd, b.p, b.len) < 0 || fsync(fd) < 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		goto out;
	}
	close(fd);
	if (rename(tmp, final) < 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		goto out;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	ret = 0;
out:
	buf_free(&b);
	return ret;
}
