/*
 * records - test driver for record.c
 *
 * usage: records REQUIRED OPTIONAL [FILE]
 * REQUIRED and OPTIONAL are comma-separated column lists ("" for none).
 * Reads records from FILE or stdin; for each prints "N<TAB>col=value..."
 * (values TSV-escaped, absent columns as col=-) or "N<TAB>error: MSG<TAB>RAW".
 * Exits with the status of the first error, 0 when none.
 *
 * cc -std=c11 -D_DEFAULT_SOURCE -Icommon -o records tests/unit/records.c \
 *     common/record.c common/utf8.c common/err.c
 */
#include <stdlib.h>
#include <string.h>

#include "tok.h"

static const char **
split(char *s)
{
	const char **v;
	size_t n = 1;
	char *p;

	for (p = s; *p != '\0'; p++)
		n += *p == ',';
	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		exit(99);
	n = 0;
	for (p = strtok(s, ","); p != NULL; p = strtok(NULL, ","))
		v[n++] = p;
	v[n] = NULL;
	return v;
}

int
main(int argc, char *argv[])
{
	struct rec_reader *r;
	struct tok_err e;
	const char **req, **opt, **c;
	const char *v, *name = "-";
	FILE *f = stdin;
	int got, rc, first = 0;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: records REQUIRED OPTIONAL [FILE]\n");
		return 2;
	}
	req = split(argv[1]);
	opt = split(argv[2]);
	if (argc == 4) {
		name = argv[3];
		if ((f = fopen(name, "r")) == NULL) {
			perror(name);
			return 2;
		}
	}
	if ((rc = rec_open(&r, f, name, req, opt, &e)) != TOK_OK) {
		printf("open error %d: %s\n", rc, e.msg);
		goto out;
	}
	printf("header: ");
	tsv_escape(stdout, rec_header(r));
	printf("\n");
	for (;;) {
		rc = rec_next(r, &got, &e);
		if (rc != TOK_OK) {
			if (first == 0)
				first = rc;
			printf("%ld\terror %d: %s\t", rec_line(r), rc, e.msg);
			tsv_escape(stdout, rec_raw(r));
			printf("\n");
			continue;
		}
		if (!got)
			break;
		printf("%ld", rec_line(r));
		for (c = req; *c != NULL; c++) {
			printf("\t%s=", *c);
			tsv_escape(stdout, rec_get(r, *c));
		}
		for (c = opt; *c != NULL; c++) {
			v = rec_get(r, *c);
			printf("\t%s=", *c);
			if (v == NULL)
				printf("-");
			else
				tsv_escape(stdout, v);
		}
		printf("\n");
	}
	rec_close(r);
	rc = first;
out:
	if (f != stdin)
		fclose(f);
	free(req);
	free(opt);
	return rc;
}
