/*
 * output.c - table, tsv, csv and json output
 *
 * tsv, csv and json stream one row at a time.  csv quotes as RFC 4180 does
 * but ends lines in LF, not CRLF, like every other tok output.  A table
 * needs every row before it can align the first, so rows are spooled to a
 * temporary file (memory stays flat) and printed by out_close.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tok.h"

#define TABLE_MIN_WIDTH 4	/* a cut column keeps this many characters */

struct out {
	FILE *dst;
	enum out_format fmt;
	int ncols;
	char **name;
	int *flags;
	size_t *width;		/* table: widest display value, in characters */
	FILE *spool;		/* table: one row a line, fields TAB-separated */
	int werr;		/* errno of the first write error */
	int failed;
	int spool_failed;	/* the error was on the spool, not on dst */
	size_t pending;		/* table: spaces owed before the next text */
};

int
out_format_parse(const char *s, enum out_format *f)
{
	static const struct {
		const char *name;
		enum out_format f;
	} fmts[] = {
		{ "table", OUT_TABLE }, { "tsv", OUT_TSV }, { "csv", OUT_CSV },
		{ "json", OUT_JSON },
	};
	size_t i;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		if (strcmp(s, fmts[i].name) == 0) {
			*f = fmts[i].f;
			return 0;
		}
	return -1;
}

enum out_format
out_format_resolve(enum out_format f, int fd)
{
	if (f != OUT_AUTO)
		return f;
	return isatty(fd) ? OUT_TABLE : OUT_TSV;
}

/* Characters (code points) in valid UTF-8. */
static size_t
char_count(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void
failed(struct out *o)
{
	if (!o->failed) {
		o->failed = 1;
		o->werr = errno != 0 ? errno : EIO;
	}
}

static void
put(struct out *o, const char *s, size_t n)
{
	if (!o->failed && n > 0 && fwrite(s, 1, n, o->dst) != n)
		failed(o);
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* "write error: Broken pipe" lets the caller recognise EPIPE. */
static int
write_error(struct out *o, struct tok_err *e)
{
	return tok_fail(e, TOK_UNUSABLE, "%swrite error: %s",
	    o->spool_failed ? "temporary file: " : "",
	    strerror(o->werr != 0 ? o->werr : EIO));
}

static void
put_tsv(struct out *o, const char *s)
{
	if (!o->failed && tsv_escape(o->dst, s) != 0)
		failed(o);
}

static void
put_csv(struct out *o, const char *s)
{
	const char *q;

	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\r\n") == NULL) {
		puts_(o, s);
		return;
	}
	put(o, "\"", 1);
	while ((q = strchr(s, '"')) != NULL) {
		put(o, s, (size_t)(q - s) + 1);
		put(o, "\"", 1);
		s = q + 1;
	}
	puts_(o, s);
	put(o, "\"", 1);
}

/* A JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return 0;
	if (*s == '.') {
		if (*++s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		if (*++s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

/* A JSON string; bytes that are not UTF-8 become U+FFFD. */
static void
put_json_string(struct out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char u[8];
	size_t n, len = strlen(s), i = 0, run;

	put(o, "\"", 1);
	while (i < len) {
		for (run = i; run < len && p[run] >= 0x20 && p[run] < 0x80 &&
		    p[run] != '"' && p[run] != '\\'; run++)
			;
		put(o, s + i, run - i);
		if ((i = run) >= len)
			break;
		switch (p[i]) {
		case '"':
			puts_(o, "\\\"");
			break;
		case '\\':
			puts_(o, "\\\\");
			break;
		case '\n':
			puts_(o, "\\n");
			break;
		case '\t':
			puts_(o, "\\t");
			break;
		case '\r':
			puts_(o, "\\r");
			break;
		default:
			if (p[i] < 0x20) {
				snprintf(u, sizeof(u), "\\u%04x", p[i]);
				puts_(o, u);
			} else if ((n = utf8_char_len(s + i, len - i)) > 0) {
				put(o, s + i, n);
				i += n;
				continue;
			} else
				puts_(o, "\\ufffd");
		}
		i++;
	}
	put(o, "\"", 1);
}

/*
 * The text a table shows for s: tab, newline, CR and backslash escaped as
 * in TSV; other control characters (C0, DEL, C1) and bytes that are not
 * UTF-8 as \xHH, so that a value can never drive the terminal.  Written
 * to the spool; returns its width in characters.
 */
static size_t
spool_cell(FILE *f, const char *s, int *err)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0, n, len;

	if (s == NULL)
		return 0;
	len = strlen(s);
	while (*p != '\0') {
		if (*p == '\t' || *p == '\n' || *p == '\r' || *p == '\\') {
			fputc('\\', f);
			fputc(*p == '\t' ? 't' : *p == '\n' ? 'n' :
			    *p == '\r' ? 'r' : '\\', f);
			w += 2;
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\x%02X", *p++);
			w += 4;
		} else if (*p < 0x80) {
			fputc(*p++, f);
			w++;
		} else if ((n = utf8_char_len((const char *)p,
		    len - (size_t)((const char *)p - s))) == 0) {
			fprintf(f, "\\x%02X", *p++);
			w += 4;
		} else if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
			fprintf(f, "\\x%02X\\x%02X", p[0], p[1]);
			w += 8;
			p += 2;
		} else {
			fwrite(p, 1, n, f);
			w++;
			p += n;
		}
	}
	if (ferror(f))
		*err = 1;
	return w;
}

int
out_open(struct out **op, FILE *dst, enum out_format f,
    const struct out_col *cols, int ncols, struct tok_err *e)
{
	struct out *o;
	int i, rc;

	*op = NULL;
	if (ncols < 1)
		return tok_fail(e, TOK_USAGE, "output has no columns");
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return tok_fail(e, TOK_UNUSABLE, "out of memory");
	o->dst = dst;
	o->fmt = out_format_resolve(f, fileno(dst));
	o->ncols = ncols;
	if ((o->name = calloc((size_t)ncols, sizeof(*o->name))) == NULL ||
	    (o->flags = calloc((size_t)ncols, sizeof(*o->flags))) == NULL ||
	    (o->width = calloc((size_t)ncols, sizeof(*o->width))) == NULL)
		goto nomem;
	for (i = 0; i < ncols; i++) {
		if ((o->name[i] = strdup(cols[i].name)) == NULL)
			goto nomem;
		o->flags[i] = cols[i].flags;
		o->width[i] = char_count(o->name[i]);
	}

	errno = 0;
	switch (o->fmt) {
	case OUT_TABLE:
		if ((o->spool = tmpfile()) == NULL) {
			rc = tok_fail(e, TOK_UNUSABLE,
			    "cannot create a temporary file: %s",
			    strerror(errno));
			goto fail;
		}
		break;
	case OUT_TSV:
	case OUT_CSV:
		for (i = 0; i < ncols; i++) {
			if (i > 0)
				put(o, o->fmt == OUT_TSV ? "\t" : ",", 1);
			if (o->fmt == OUT_TSV)
				put_tsv(o, o->name[i]);
			else
				put_csv(o, o->name[i]);
		}
		put(o, "\n", 1);
		if (o->failed) {
			rc = write_error(o, e);
			goto fail;
		}
		break;
	default:
		break;
	}
	*op = o;
	return TOK_OK;
nomem:
	rc = tok_fail(e, TOK_UNUSABLE, "out of memory");
fail:
	o->failed = 1;
	out_close(o, NULL);
	return rc;
}

int
out_row(struct out *o, const char *const *fields, struct tok_err *e)
{
	int i, err = 0;
	size_t w;

	if (o->failed)
		return write_error(o, e);
	errno = 0;
	for (i = 0; i < o->ncols; i++) {
		const char *s = fields[i];

		switch (o->fmt) {
		case OUT_TABLE:
			if (i > 0)
				fputc('\t', o->spool);
			w = spool_cell(o->spool, s, &err);
			if (w > o->width[i])
				o->width[i] = w;
			break;
		case OUT_CSV:
			if (i > 0)
				put(o, ",", 1);
			put_csv(o, s);
			break;
		case OUT_JSON:
			put(o, i == 0 ? "{" : ",", 1);
			put_json_string(o, o->name[i]);
			put(o, ":", 1);
			if (s == NULL || (*s == '\0' && (o->flags[i] & COL_NUM)))
				puts_(o, "null");
			else if ((o->flags[i] & COL_NUM) && json_number(s))
				puts_(o, s);
			else
				put_json_string(o, s);
			break;
		default:
			if (i > 0)
				put(o, "\t", 1);
			put_tsv(o, s);
			break;
		}
	}
	switch (o->fmt) {
	case OUT_TABLE:
		if (fputc('\n', o->spool) == EOF || err || ferror(o->spool)) {
			o->failed = o->spool_failed = 1;
			o->werr = errno != 0 ? errno : EIO;
			return write_error(o, e);
		}
		return TOK_OK;
	case OUT_JSON:
		put(o, "}\n", 2);
		break;
	default:
		put(o, "\n", 1);
		break;
	}
	return o->failed ? write_error(o, e) : TOK_OK;
}

/* Table text: spaces are held back, so that no line ends in a space. */
static void
tput(struct out *o, const char *s, size_t n)
{
	const char *sp;
	size_t k;

	while (n > 0) {
		if (*s == ' ') {
			o->pending++;
			s++;
			n--;
			continue;
		}
		for (; o->pending > 0; o->pending -= k) {
			static const char spaces[] = "                ";

			k = o->pending < 16 ? o->pending : 16;
			put(o, spaces, k);
		}
		sp = memchr(s, ' ', n);
		k = sp == NULL ? n : (size_t)(sp - s);
		put(o, s, k);
		s += k;
		n -= k;
	}
}

static void
tnewline(struct out *o)
{
	o->pending = 0;
	put(o, "\n", 1);
}

/* One cell of width cw: cut with the ellipsis when wider. */
static void
table_cell(struct out *o, int i, const char *s, size_t cw, const char *ell)
{
	size_t w = char_count(s), n;
	const char *p;

	if (w > cw) {
		/* numeric columns are never cut */
		for (p = s, n = 0; *p != '\0' && n + 1 < cw; n++)
			do
				p++;
			while (((unsigned char)*p & 0xc0) == 0x80);
		tput(o, s, (size_t)(p - s));
		tput(o, ell, strlen(ell));
		return;
	}
	if (o->flags[i] & COL_NUM)
		o->pending += cw - w;
	tput(o, s, strlen(s));
	if (!(o->flags[i] & COL_NUM))
		o->pending += cw - w;
}

static int
table_render(struct out *o, struct tok_err *e)
{
	const char *ell;
	char *line = NULL, *p, *t;
	size_t cap = 0, total, limit, best;
	ssize_t len;
	int i, j, rc = TOK_OK;

	ell = term_utf8() ? "\xe2\x80\xa6" : "~";

	/* Shrink the widest text columns, one character at a time. */
	limit = term_width(fileno(o->dst));
	for (total = 0, i = 0; i < o->ncols; i++)
		total += o->width[i] + (i > 0 ? 2 : 0);
	while (limit > 0 && total > limit) {
		for (j = -1, best = TABLE_MIN_WIDTH, i = 0; i < o->ncols; i++)
			if (!(o->flags[i] & COL_NUM) && o->width[i] > best) {
				best = o->width[i];
				j = i;
			}
		if (j < 0)
			break;
		o->width[j]--;
		total--;
	}

	for (i = 0; i < o->ncols; i++) {
		o->pending += i > 0 ? 2 : 0;
		table_cell(o, i, o->name[i], o->width[i], ell);
	}
	tnewline(o);

	errno = 0;
	if (fflush(o->spool) != 0 || fseek(o->spool, 0, SEEK_SET) != 0)
		goto spool_error;
	while (!o->failed && (len = getline(&line, &cap, o->spool)) > 0) {
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		for (p = line, i = 0; i < o->ncols; i++, p = t + 1) {
			if ((t = strchr(p, '\t')) != NULL)
				*t = '\0';
			o->pending += i > 0 ? 2 : 0;
			table_cell(o, i, p, o->width[i], ell);
			if (t == NULL)
				break;
		}
		tnewline(o);
	}
	if (ferror(o->spool))
		goto spool_error;
	free(line);
	return rc;
spool_error:
	free(line);
	return tok_fail(e, TOK_UNUSABLE, "temporary file: read error: %s",
	    strerror(errno != 0 ? errno : EIO));
}

int
out_close(struct out *o, struct tok_err *e)
{
	int i, rc = TOK_OK;

	if (o == NULL)
		return TOK_OK;
	if (!o->failed) {
		if (o->fmt == OUT_TABLE)
			rc = table_render(o, e);
		errno = 0;
		if (!o->failed && fflush(o->dst) != 0)
			failed(o);
		if (!o->failed && ferror(o->dst)) {
			o->failed = 1;
			o->werr = EIO;
		}
		if (rc == TOK_OK && o->failed)
			rc = write_error(o, e);
	} else if (e != NULL)
		rc = write_error(o, e);
	if (o->spool != NULL)
		fclose(o->spool);
	for (i = 0; o->name != NULL && i < o->ncols; i++)
		free(o->name[i]);
	free(o->name);
	free(o->flags);
	free(o->width);
	free(o);
	return rc;
}
