/*
 * The blocking HTTP client: one libcurl easy handle per process, made on
 * first use, reset before every request; a failure is told apart by whether
 * any byte of the request was written (HTTPC_NOT_SENT) or not
 * (HTTPC_UNKNOWN).
 */
#include "upstream/httpc.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/log.h"

struct httpc {
	CURL *curl;
};

struct httpc *httpc_new(void)
{
	/* The curl handle is made on first use: a worker that never calls an
	 * upstream never pays for libcurl's (and its TLS stack's) setup. */
	return calloc(1, sizeof(struct httpc));
}

void httpc_free(struct httpc *h)
{
	if (h == NULL)
		return;
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	free(h);
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;

	/* Past the cap the transfer is aborted (a short count fails it). */
	return buf_add(b, p, size * n) == 0 ? size * n : 0;
}

void httpc_retry_after(const char *p, size_t len, char *out, size_t outlen)
{
	size_t i = 12, l;

	if (len <= 12 || strncasecmp(p, "Retry-After:", 12) != 0)
		return;
	while (i < len && p[i] == ' ')
		i++;
	for (l = 0; i + l < len && p[i + l] != '\r' && p[i + l] != '\n'; l++)
		;
	if (l >= outlen)
		l = outlen - 1;
	memcpy(out, p + i, l);
	out[l] = '\0';
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct httpc_result *res = ud;

	httpc_retry_after(p, size * n, res->retry_after, sizeof(res->retry_after));
	return size * n;
}

void httpc_post(struct httpc *h, const struct httpc_request *rq, struct httpc_result *res)
{
	CURL *c = h->curl;
	struct curl_slist *list = NULL;
	const char *const *hd;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;
	long sent = 0;

	memset(res, 0, sizeof(*res));
	buf_init(&res->body, HTTPC_MAX_BODY);
	if (c == NULL && (c = h->curl = curl_easy_init()) == NULL) {
		res->outcome = HTTPC_NOT_SENT;
		snprintf(res->error, sizeof(res->error), "cannot set up libcurl");
		return;
	}
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, rq->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, rq->timeout_s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
			 rq->connect_timeout_s ? rq->connect_timeout_s : 5L);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)rq->body_len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &res->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, res);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "Ibiki/" PACKAGE_VERSION);
	if (rq->userpwd != NULL) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERPWD, rq->userpwd);
	}
	for (hd = rq->headers; hd != NULL && *hd != NULL; hd++)
		list = curl_slist_append(list, *hd);
	list = curl_slist_append(list, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);

	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &sent);
	if (rc == CURLE_OK) {
		res->outcome = HTTPC_OK;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
	} else {
		/* Before anything was written the peer cannot have acted on it. */
		res->outcome = sent > 0 ? HTTPC_UNKNOWN : HTTPC_NOT_SENT;
		snprintf(res->error, sizeof(res->error), "%s",
			 errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
	curl_slist_free_all(list);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
}

void httpc_result_free(struct httpc_result *res)
{
	buf_free(&res->body);
}
