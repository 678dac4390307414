/*
 * output - test driver for output.c
 *
 * usage: output FORMAT COLUMN[:n] ...
 * Reads rows from stdin, one a line, fields separated by TAB with the TSV
 * escapes \t \n \r \\ and \N for a NULL field, and writes them in FORMAT
 * (table, tsv, csv, json or auto).  ":n" marks a numeric column.
 * Prints the library's message on stderr and exits with its status.
 *
 * cc -std=c11 -D_DEFAULT_SOURCE -Icommon -o output tests/unit/output.c \
 *     common/output.c common/record.c common/utf8.c common/err.c
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tok.h"

static char *
unescape(char *s)
{
	char *d = s, *r = s;

	if (strcmp(s, "\\N") == 0)
		return NULL;
	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
			*d++ = *s == 't' ? '\t' : *s == 'n' ? '\n' :
			    *s == 'r' ? '\r' : *s;
		} else
			*d++ = *s;
	}
	*d = '\0';
	return r;
}

int
main(int argc, char *argv[])
{
	struct out_col *cols;
	struct out *o;
	struct tok_err e;
	enum out_format f = OUT_AUTO;
	const char **fields;
	char *line = NULL, *p, *t, *c;
	size_t cap = 0;
	ssize_t len;
	int i, n, rc;

	setlocale(LC_CTYPE, "");
	if (argc < 3) {
		fprintf(stderr, "usage: output FORMAT COLUMN[:n] ...\n");
		return 2;
	}
	if (strcmp(argv[1], "auto") != 0 && out_format_parse(argv[1], &f) != 0) {
		fprintf(stderr, "output: %s: unknown format\n", argv[1]);
		return 2;
	}
	n = argc - 2;
	cols = calloc((size_t)n, sizeof(*cols));
	fields = calloc((size_t)n, sizeof(*fields));
	if (cols == NULL || fields == NULL)
		return 99;
	for (i = 0; i < n; i++) {
		c = argv[i + 2];
		if ((p = strstr(c, ":n")) != NULL && p[2] == '\0') {
			*p = '\0';
			cols[i].flags = COL_NUM;
		}
		cols[i].name = c;
	}
	if ((rc = out_open(&o, stdout, f, cols, n, &e)) != TOK_OK)
		goto out;
	while ((len = getline(&line, &cap, stdin)) > 0) {
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		for (p = line, i = 0; i < n; i++) {
			fields[i] = NULL;
			if (p == NULL)
				continue;
			if ((t = strchr(p, '\t')) != NULL)
				*t++ = '\0';
			fields[i] = unescape(p);
			p = t;
		}
		if ((rc = out_row(o, fields, &e)) != TOK_OK)
			break;
	}
	if (rc == TOK_OK)
		rc = out_close(o, &e);
	else
		out_close(o, NULL);
out:
	if (rc != TOK_OK)
		fprintf(stderr, "output: %s\n", e.msg);
	free(line);
	free(cols);
	free(fields);
	return rc;
}
