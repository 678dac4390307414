/*
 * fuzz_record - libFuzzer target for record.c
 *
 * Reads the input as a record stream (required worker, amount; optional
 * ref, memo, date) to its end.  Every record read is written back with
 * tsv_escape and read again: the values must come back unchanged.
 *
 * clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 \
 *     -D_DEFAULT_SOURCE -Icommon tests/fuzz/fuzz_record.c common/record.c \
 *     common/utf8.c common/err.c -o fuzz_record
 */
#include <stdlib.h>
#include <string.h>

#include "tok.h"

static const char *const req[] = { "worker", "amount", NULL };
static const char *const opt[] = { "ref", "memo", "date", NULL };
static const char *const all[] = { "worker", "amount", "ref", "memo", "date",
    NULL };

/* Writes the current record back as header + one line, reads it again. */
static void
roundtrip(const struct rec_reader *r)
{
	struct rec_reader *r2;
	struct tok_err e;
	const char *v[5];
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int i, n = 0, got;

	if ((f = open_memstream(&buf, &len)) == NULL)
		abort();
	for (i = 0; all[i] != NULL; i++) {
		if ((v[i] = rec_get(r, all[i])) == NULL)
			continue;
		fprintf(f, "%s%s", n++ ? "\t" : "", all[i]);
	}
	fputc('\n', f);
	for (i = 0, n = 0; all[i] != NULL; i++) {
		if (v[i] == NULL)
			continue;
		if (n++)
			fputc('\t', f);
		if (tsv_escape(f, v[i]) != 0)
			abort();
	}
	fputc('\n', f);
	fclose(f);

	if ((f = fmemopen(buf, len, "r")) == NULL)
		abort();
	if (rec_open(&r2, f, "roundtrip", req, opt, &e) != TOK_OK)
		abort();
	/* an all-empty one-column record is an empty line, skipped */
	if (rec_next(r2, &got, &e) != TOK_OK)
		abort();
	for (i = 0; got && all[i] != NULL; i++) {
		const char *w = rec_get(r2, all[i]);

		if ((v[i] == NULL) != (w == NULL) ||
		    (v[i] != NULL && strcmp(v[i], w) != 0))
			abort();
	}
	rec_close(r2);
	fclose(f);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct rec_reader *r;
	struct tok_err e;
	const char *raw;
	FILE *f;
	int got, rc;

	if (size == 0)
		return 0;	/* fmemopen may refuse an empty buffer */
	if ((f = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	if (rec_open(&r, f, "fuzz", req, opt, &e) != TOK_OK) {
		if (e.status != TOK_DATAERR || strlen(e.msg) == 0)
			abort();
		fclose(f);
		return 0;
	}
	if (rec_header(r) == NULL)
		abort();
	for (;;) {
		rc = rec_next(r, &got, &e);
		raw = rec_raw(r);
		if (rc != TOK_OK) {
			if (rc != TOK_DATAERR || strncmp(e.msg, "line ", 5) != 0 ||
			    raw == NULL || rec_get(r, "worker") != NULL)
				abort();
			continue;
		}
		if (!got)
			break;
		if (rec_line(r) < 2 || rec_get(r, "worker") == NULL ||
		    rec_get(r, "amount") == NULL || strchr(raw, '\n') != NULL)
			abort();
		roundtrip(r);
	}
	rec_close(r);
	fclose(f);
	return 0;
}
