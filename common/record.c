/*
 * record.c - TSV records with a header line (DESIGN.md section 5)
 *
 * One line buffer of REC_LINE_MAX bytes is reused for every line, so memory
 * stays flat however long the input.  A longer line is not read to its
 * end, which may never come (/dev/zero, a runaway pipe): the reader stops
 * at its first byte too many, for good (rec_broken).
 *
 * In messages, "column C" is the 1-based field number in the line,
 * followed by the header's name for it when the line has that many header
 * columns: "line 5: column 2 (amount): bad escape "\x"".  Messages do not
 * name the input: the caller prefixes the name it was given (rec_open's
 * `name` is not needed here).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tok.h"

#define REC_LINE_MAX 65536

static const char *const vocabulary[] = {
	"worker", "amount", "ref", "kind", "units", "service", "date", "memo",
	"txid", "payout", "proposal", "choice", "status", "type", "account",
	"balance", "price", "per", "name", "effective", "reason", "tier",
	"check", "detail", "provider_ref", "money", "currency", "rate", "line",
	"opening", "min_tier", "unit_decimals", "previous", "change",
	"recorded", "actor", "multiplier", "earned", "next_tier", "to_next",
	"title", "action", "method", "opens", "closes", "quorum_pct",
	"threshold_pct", "max_share_pct", "state", "weight", "yes", "no",
	"abstain", "turnout", "eligible", "voters", "share", "needs",
	NULL
};

struct rec_reader {
	FILE *f;
	long lineno;		/* number of the last line read */
	int eof;
	int valid;		/* the current record parsed without error */
	char *buf;		/* raw line, REC_LINE_MAX + 2 bytes */
	size_t len;
	int toolong;
	int broken;		/* stopped for good: the rest cannot be framed */
	char *dec;		/* decoded fields, NUL-separated */
	char *header;		/* header line as read */
	char *names;		/* header split into NUL-terminated names */
	int ncols;
	const char **col;	/* ncols names, pointing into names */
	const char **val;	/* ncols values, pointing into dec */
};

int
column_known(const char *name)
{
	int i;

	for (i = 0; vocabulary[i] != NULL; i++)
		if (strcmp(vocabulary[i], name) == 0)
			return 1;
	return 0;
}

static int
in_list(const char *const *list, const char *s, size_t len)
{
	if (list == NULL)
		return 0;
	for (; *list != NULL; list++)
		if (strlen(*list) == len && memcmp(*list, s, len) == 0)
			return 1;
	return 0;
}

/* Known: in the vocabulary, or named by the tool itself. */
static int
name_known(const char *s, size_t len, const char *const *req,
    const char *const *opt)
{
	return in_list(vocabulary, s, len) || in_list(req, s, len) ||
	    in_list(opt, s, len);
}

/*
 * Copies about 60 bytes of s into dst for quoting in a message: control
 * characters in caret notation, bytes that are not UTF-8 as \xHH, "..."
 * when cut.  dlen >= 16.
 */
static void
sanitize(char *dst, size_t dlen, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, n;

	while (i < len && o + 8 < dlen && o < 60) {
		if (p[i] < 0x20 || p[i] == 0x7f) {
			dst[o++] = '^';
			dst[o++] = p[i] == 0x7f ? '?' : (char)(p[i] + '@');
			i++;
		} else if ((n = utf8_char_len(s + i, len - i)) == 0) {
			snprintf(dst + o, dlen - o, "\\x%02X", p[i]);
			o += 4;
			i++;
		} else {
			memcpy(dst + o, s + i, n);
			o += n;
			i += n;
		}
	}
	if (i < len) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
}

/*
 * Reads one line into r->buf, without its LF and trailing CR.  Returns 1,
 * 0 at end of input, -1 on a read error (the reader is then broken).  A
 * line past REC_LINE_MAX sets r->toolong, is kept as its first
 * REC_LINE_MAX bytes and breaks the reader: reading stops at the first
 * byte too many, since waiting for the line's end could take for ever,
 * and without that end the next line cannot be found.
 */
static int
read_line(struct rec_reader *r)
{
	size_t n = 0;
	int c;

	r->toolong = 0;
	while ((c = getc_unlocked(r->f)) != EOF && c != '\n') {
		/* REC_LINE_MAX bytes and a CR fit; one more does not */
		if (n == REC_LINE_MAX + 1) {
			r->toolong = 1;
			break;
		}
		r->buf[n++] = (char)c;
	}
	if (c == EOF) {
		if (ferror(r->f)) {
			r->buf[0] = '\0';
			r->len = 0;
			r->eof = r->broken = 1;
			return -1;
		}
		r->eof = 1;
		if (n == 0)
			return 0;
	}
	if (!r->toolong && n > 0 && r->buf[n - 1] == '\r')
		n--;
	if (n > REC_LINE_MAX) {
		r->toolong = 1;
		n = REC_LINE_MAX;
	}
	if (r->toolong)
		r->eof = r->broken = 1;
	r->buf[n] = '\0';
	r->len = n;
	r->lineno++;
	return 1;
}

static int
read_error(struct tok_err *e)
{
	int saved = errno;

	return tok_fail(e, TOK_DATAERR, "read error: %s",
	    strerror(saved != 0 ? saved : EIO));
}

/* The 1-based field number holding byte offset off of the current line. */
static int
column_at(const struct rec_reader *r, size_t off)
{
	const char *p = r->buf, *end = r->buf + off;
	int c = 1;

	while ((p = memchr(p, '\t', (size_t)(end - p))) != NULL) {
		c++;
		p++;
	}
	return c;
}

/* "line N: column C (name): " into buf. */
static const char *
where(const struct rec_reader *r, int c, char *buf, size_t len)
{
	if (c <= r->ncols)
		snprintf(buf, len, "line %ld: column %d (%s)", r->lineno, c,
		    r->col[c - 1]);
	else
		snprintf(buf, len, "line %ld: column %d", r->lineno, c);
	return buf;
}

static int
header_missing(struct rec_reader *r, const char *const *req,
    struct tok_err *e)
{
	char list[768];
	size_t o = 0;
	int n = 0, w;

	list[0] = '\0';
	for (; req != NULL && *req != NULL; req++, n++) {
		w = snprintf(list + o, sizeof(list) - o, "%s%s",
		    n ? ", " : "", *req);
		if (w < 0 || (size_t)w >= sizeof(list) - o)
			break;
		o += (size_t)w;
	}
	if (n == 0)
		return tok_fail(e, TOK_DATAERR,
		    "line %ld: no header line (expected tok column names)",
		    r->lineno);
	return tok_fail(e, TOK_DATAERR,
	    "line %ld: no header line (expected column%s %s)", r->lineno,
	    n > 1 ? "s" : "", list);
}

static int
parse_header(struct rec_reader *r, const char *const *req,
    const char *const *opt, struct tok_err *e)
{
	char q[128], list[768];
	const char *p, *end, *t;
	size_t len, o = 0;
	int i, j, w, any = 0, nmiss = 0;

	/* A UTF-8 byte order mark, as some editors write, is dropped. */
	if (r->len >= 3 && memcmp(r->buf, "\xef\xbb\xbf", 3) == 0) {
		memmove(r->buf, r->buf + 3, r->len - 3 + 1);
		r->len -= 3;
	}
	r->ncols = 1;
	for (p = r->buf; (p = memchr(p, '\t', r->len - (size_t)(p - r->buf)));
	    p++)
		r->ncols++;
	if ((r->header = malloc(r->len + 1)) == NULL ||
	    (r->names = malloc(r->len + 1)) == NULL ||
	    (r->col = calloc((size_t)r->ncols, sizeof(*r->col))) == NULL ||
	    (r->val = calloc((size_t)r->ncols, sizeof(*r->val))) == NULL)
		return tok_fail(e, TOK_UNUSABLE, "out of memory");
	memcpy(r->header, r->buf, r->len + 1);
	memcpy(r->names, r->buf, r->len + 1);

	end = r->names + r->len;
	for (p = r->names, i = 0; i < r->ncols; i++, p = t + 1) {
		t = memchr(p, '\t', (size_t)(end - p));
		if (t == NULL)
			t = end;
		r->names[t - r->names] = '\0';
		r->col[i] = p;
		if (name_known(p, (size_t)(t - p), req, opt))
			any = 1;
	}
	if (!any)
		return header_missing(r, req, e);
	for (i = 0; i < r->ncols; i++) {
		/* a name with a NUL byte is cut short by strlen: unknown */
		len = (i + 1 < r->ncols ? (size_t)(r->col[i + 1] - r->col[i]) - 1
		    : (size_t)(end - r->col[i]));
		if (strlen(r->col[i]) != len ||
		    !name_known(r->col[i], len, req, opt)) {
			sanitize(q, sizeof(q), r->col[i], len);
			return tok_fail(e, TOK_DATAERR,
			    "line %ld: column %d \"%s\": unknown column",
			    r->lineno, i + 1, q);
		}
		for (j = 0; j < i; j++)
			if (strcmp(r->col[j], r->col[i]) == 0)
				return tok_fail(e, TOK_DATAERR,
				    "line %ld: column %d \"%s\": duplicate column",
				    r->lineno, i + 1, r->col[i]);
	}
	list[0] = '\0';
	for (; req != NULL && *req != NULL; req++) {
		for (j = 0; j < r->ncols; j++)
			if (strcmp(r->col[j], *req) == 0)
				break;
		if (j < r->ncols)
			continue;
		w = snprintf(list + o, sizeof(list) - o, "%s\"%s\"",
		    nmiss ? ", " : "", *req);
		if (w > 0 && (size_t)w < sizeof(list) - o)
			o += (size_t)w;
		nmiss++;
	}
	if (nmiss > 0)
		return tok_fail(e, TOK_DATAERR, "line %ld: missing column%s %s",
		    r->lineno, nmiss > 1 ? "s" : "", list);
	return TOK_OK;
}

int
rec_open(struct rec_reader **rp, FILE *f, const char *name,
    const char *const *required, const char *const *optional,
    struct tok_err *e)
{
	struct rec_reader *r;
	int rc;

	(void)name;
	*rp = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return tok_fail(e, TOK_UNUSABLE, "out of memory");
	r->f = f;
	if ((r->buf = malloc(REC_LINE_MAX + 2)) == NULL ||
	    (r->dec = malloc(REC_LINE_MAX + 2)) == NULL) {
		rc = tok_fail(e, TOK_UNUSABLE, "out of memory");
		goto fail;
	}
	errno = 0;
	switch (read_line(r)) {
	case -1:
		rc = read_error(e);
		goto fail;
	case 0:
		rc = tok_fail(e, TOK_DATAERR, "no header line (empty input)");
		goto fail;
	}
	if (r->toolong) {
		rc = tok_fail(e, TOK_DATAERR, "line 1: longer than %d bytes",
		    REC_LINE_MAX);
		goto fail;
	}
	if ((rc = parse_header(r, required, optional, e)) != TOK_OK)
		goto fail;
	*rp = r;
	return TOK_OK;
fail:
	rec_close(r);
	return rc;
}

/* Checks and splits r->buf into r->val; the line is known not empty. */
static int
parse_record(struct rec_reader *r, struct tok_err *e)
{
	char w[160], q[16];
	const char *p, *end = r->buf + r->len;
	char *d = r->dec;
	size_t bad;
	int c, n;

	if ((p = memchr(r->buf, '\0', r->len)) != NULL)
		return tok_fail(e, TOK_DATAERR, "%s: NUL byte",
		    where(r, column_at(r, (size_t)(p - r->buf)), w, sizeof(w)));
	if (!utf8_valid(r->buf, r->len, &bad))
		return tok_fail(e, TOK_DATAERR, "%s: invalid UTF-8",
		    where(r, column_at(r, bad), w, sizeof(w)));
	n = column_at(r, r->len);
	if (n != r->ncols)
		return tok_fail(e, TOK_DATAERR, "line %ld: %d field%s, header "
		    "has %d", r->lineno, n, n == 1 ? "" : "s", r->ncols);

	c = 0;
	r->val[0] = d;
	for (p = r->buf; p < end; p++) {
		if (*p == '\t') {
			*d++ = '\0';
			r->val[++c] = d;
			continue;
		}
		if (*p != '\\') {
			*d++ = *p;
			continue;
		}
		if (p + 1 == end || p[1] == '\t')
			return tok_fail(e, TOK_DATAERR,
			    "%s: bad escape \"\\\" at end of field",
			    where(r, c + 1, w, sizeof(w)));
		switch (*++p) {
		case 't':
			*d++ = '\t';
			break;
		case 'n':
			*d++ = '\n';
			break;
		case 'r':
			*d++ = '\r';
			break;
		case '\\':
			*d++ = '\\';
			break;
		default:
			/* the line is valid UTF-8: quote the whole character */
			sanitize(q, sizeof(q), p, utf8_char_len(p, (size_t)(end - p)));
			return tok_fail(e, TOK_DATAERR,
			    "%s: bad escape \"\\%s\"",
			    where(r, c + 1, w, sizeof(w)), q);
		}
	}
	*d = '\0';
	return TOK_OK;
}

int
rec_next(struct rec_reader *r, int *got, struct tok_err *e)
{
	int rc;

	*got = 0;
	r->valid = 0;
	for (;;) {
		if (r->eof)
			return TOK_OK;
		errno = 0;
		rc = read_line(r);
		if (rc < 0)
			return read_error(e);
		if (rc == 0)
			return TOK_OK;
		if (r->toolong)
			return tok_fail(e, TOK_DATAERR,
			    "line %ld: longer than %d bytes", r->lineno,
			    REC_LINE_MAX);
		if (r->len > 0)
			break;
	}
	if ((rc = parse_record(r, e)) != TOK_OK)
		return rc;
	r->valid = 1;
	*got = 1;
	return TOK_OK;
}

static int
column_index(const struct rec_reader *r, const char *col)
{
	int i;

	for (i = 0; i < r->ncols; i++)
		if (strcmp(r->col[i], col) == 0)
			return i;
	return -1;
}

int
rec_has(const struct rec_reader *r, const char *col)
{
	return column_index(r, col) >= 0;
}

const char *
rec_get(const struct rec_reader *r, const char *col)
{
	int i = column_index(r, col);

	return r->valid && i >= 0 ? r->val[i] : NULL;
}

int
rec_broken(const struct rec_reader *r)
{
	return r->broken;
}

long
rec_line(const struct rec_reader *r)
{
	return r->lineno;
}

/* For a line longer than REC_LINE_MAX, only its first REC_LINE_MAX bytes. */
const char *
rec_raw(const struct rec_reader *r)
{
	return r->buf;
}

const char *
rec_header(const struct rec_reader *r)
{
	return r->header;
}

void
rec_close(struct rec_reader *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r->dec);
	free(r->header);
	free(r->names);
	free(r->col);
	free(r->val);
	free(r);
}

int
tsv_escape(FILE *f, const char *s)
{
	const char *p;
	size_t n;

	if (s == NULL)
		return 0;
	for (;;) {
		n = strcspn(s, "\t\n\r\\");
		if (n > 0 && fwrite(s, 1, n, f) != n)
			return -1;
		p = s + n;
		if (*p == '\0')
			return 0;
		if (fputc('\\', f) == EOF || fputc(*p == '\t' ? 't' :
		    *p == '\n' ? 'n' : *p == '\r' ? 'r' : '\\', f) == EOF)
			return -1;
		s = p + 1;
	}
}
