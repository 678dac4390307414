/*
 * fuzz_args - libFuzzer target for the parsers behind the command line
 *
 * Every operand and option value of tok-earn, tok-spend, tok-price and
 * tok-report goes through one of the parsers of common/: uint_parse
 * (txids, payout ids, --within), number_parse and amount_parse
 * (amounts, units, prices, --min), date_parse (--date, --as-of, --from,
 * --to, --effective), timestamp_parse (TOK_NOW), worker_valid and
 * name_valid (WORKER, NAME, --per), ref_valid (--ref, --ref-prefix),
 * memo_valid (--memo), text_valid (--reason), out_format_parse
 * (--format), price_kind_parse (KIND).  (The --timeout and --wait
 * parsers live in cmd/ and are not reached from here.)
 *
 * The first byte of the input picks the parameters (decimals, a maximum,
 * whether zero is allowed); the rest, up to a NUL, is the argument, as
 * argv would hold it.  Each parser is checked against what its header
 * promises, by an independent reading of the same rule: what it accepts,
 * what it refuses, that accepted numbers and dates format back to a
 * string that parses to the same value, and that a refusal is a bad-data
 * error (exit 3) with a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tok.h"

static void
check(int cond)
{
	if (!cond)
		abort();
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* A refusal: status bad data, a message, NUL-terminated in its buffer. */
static void
refused(const struct tok_err *e)
{
	check(e->status == TOK_DATAERR);
	check(memchr(e->msg, '\0', sizeof(e->msg)) != NULL);
	check(e->msg[0] != '\0');
}

static void
uint_case(const char *s, unsigned char p)
{
	static const int64_t maxes[] = { 0, 1, 9, 10, 36500, 86400 * 3650,
	    INT32_MAX, INT64_MAX };
	int64_t max = maxes[p % 8], v = -1, ref = 0;
	int ok = *s != '\0', rc;
	const char *c;

	for (c = s; ok && *c != '\0'; c++)
		if (!is_digit((unsigned char)*c) ||
		    __builtin_mul_overflow(ref, 10, &ref) ||
		    __builtin_add_overflow(ref, *c - '0', &ref) || ref > max)
			ok = 0;
	rc = uint_parse(s, max, &v);
	check((rc == 0) == ok);
	check(rc != 0 || (v == ref && v >= 0 && v <= max));
}

static void
number_case(const char *s, unsigned char p)
{
	int decimals = p % (TOK_MAX_DECIMALS + 1), allow_zero = p & 0x10;
	int64_t v = -1, again = -1;
	struct tok_err e;
	char out[32];
	const char *c;
	int digits = 0, point = 0, frac = 0, syntax = *s != '\0';

	memset(&e, 0, sizeof(e));
	for (c = s; syntax && *c != '\0'; c++) {
		if (*c == '.' && !point && digits > 0)
			point = 1;
		else if (is_digit((unsigned char)*c)) {
			digits++;
			frac += point;
		} else
			syntax = 0;
	}
	if (point && frac == 0)
		syntax = 0;
	if (number_parse("units", s, decimals, allow_zero, &v, &e) != TOK_OK) {
		refused(&e);
		check(strncmp(e.msg, "units \"", 7) == 0);
		return;
	}
	/* Accepted: plain digits, at most `decimals` after one point. */
	check(syntax && frac <= decimals && v >= 0 && (allow_zero || v > 0));
	amount_format(v, decimals, out, sizeof(out));
	check(amount_parse(out, decimals, 1, &again, &e) == TOK_OK);
	check(again == v);
	if (decimals == TOK_PRICE_DECIMALS) {
		price_format(v, p % 3, out, sizeof(out));
		check(number_parse("price", out, TOK_PRICE_DECIMALS, 1, &again,
		    &e) == TOK_OK && again == v);
	}
}

static int
leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* YYYY-MM-DD of a real day in years 1-9999, at s. */
static int
ymd_ok(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	long y, m, d;
	int i;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' :
		    !is_digit((unsigned char)s[i]))
			return 0;
	y = strtol(s, NULL, 10);
	m = (s[5] - '0') * 10 + s[6] - '0';
	d = (s[8] - '0') * 10 + s[9] - '0';
	return y >= 1 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= mdays[m - 1] + (m == 2 && leap(y));
}

static int
two(const char *s, int max)
{
	return is_digit((unsigned char)s[0]) && is_digit((unsigned char)s[1]) &&
	    (s[0] - '0') * 10 + s[1] - '0' <= max;
}

static void
date_case(const char *s)
{
	size_t len = strlen(s);
	int64_t days = 0, epoch = 0;
	struct tok_err e;
	char out[32];
	int want;

	want = len == 10 && ymd_ok(s);
	if (date_parse(s, &days, &e) == TOK_OK) {
		check(want);
		check(strcmp(date_format(days, out, sizeof(out)), s) == 0);
	} else {
		check(!want);
		refused(&e);
	}
	want = (len == 10 && ymd_ok(s)) || (len == 20 && ymd_ok(s) &&
	    s[10] == 'T' && two(s + 11, 23) && s[13] == ':' &&
	    two(s + 14, 59) && s[16] == ':' && two(s + 17, 59) && s[19] == 'Z');
	if (timestamp_parse(s, &epoch, &e) == TOK_OK) {
		check(want);
		if (len == 20)
			check(strcmp(timestamp_format(epoch, out, sizeof(out)),
			    s) == 0);
		else
			check(epoch == days * 86400);
	} else {
		check(!want);
		refused(&e);
	}
}

static void
name_case(const char *s)
{
	size_t len = strlen(s), i;
	struct tok_err e;
	int want = len >= 1 && len <= TOK_NAME_MAX;

	for (i = 0; want && i < len; i++)
		want = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789._-", s[i]) != NULL;
	if (worker_valid(s, &e) == TOK_OK)
		check(want);
	else {
		check(!want);
		refused(&e);
	}
	if (name_valid("service", s, &e) == TOK_OK)
		check(want);
	else {
		check(!want);
		refused(&e);
		check(strncmp(e.msg, "service ", 8) == 0);
	}
}

static void
ref_case(const char *s)
{
	size_t len = strlen(s), i;
	struct tok_err e;
	int want = len >= 1 && len <= TOK_REF_MAX &&
	    strncmp(s, "auto:", 5) != 0 && strncmp(s, "expire:", 7) != 0;

	for (i = 0; want && i < len; i++)
		want = s[i] > ' ' && s[i] <= '~';
	if (ref_valid(s, &e) == TOK_OK)
		check(want);
	else {
		check(!want);
		refused(&e);
	}
}

/* Strict UTF-8, read apart from utf8.c: each code point decoded, then
 * its encoded length compared with the shortest one. */
static int
utf8_ok(const unsigned char *s, size_t len)
{
	size_t i = 0, n, k;
	uint32_t cp;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0)
			n = 2, cp = s[i] & 0x1f;
		else if ((s[i] & 0xf0) == 0xe0)
			n = 3, cp = s[i] & 0x0f;
		else if ((s[i] & 0xf8) == 0xf0)
			n = 4, cp = s[i] & 0x07;
		else
			return 0;
		if (i + n > len)
			return 0;
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (n != (cp < 0x80 ? 1u : cp < 0x800 ? 2u : cp < 0x10000 ? 3u :
		    4u) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n;
	}
	return 1;
}

static void
text_case(const char *s)
{
	size_t len = strlen(s), i, max = TOK_REASON_MAX;
	struct tok_err e;
	int utf8 = utf8_ok((const unsigned char *)s, len), want;

	want = len <= TOK_MEMO_MAX && utf8;
	if (memo_valid(s, &e) == TOK_OK)
		check(want);
	else {
		check(!want);
		refused(&e);
	}
	want = len <= max && utf8;
	/* No C0, DEL, or C1 (U+0080..U+009F, encoded C2 80..C2 9F). */
	for (i = 0; want && i < len; i++)
		want = (unsigned char)s[i] >= 0x20 && s[i] != 0x7f &&
		    !((unsigned char)s[i] == 0xc2 && i + 1 < len &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f);
	if (text_valid("reason", s, max, &e) == TOK_OK)
		check(want);
	else {
		check(!want);
		refused(&e);
		check(strncmp(e.msg, "reason", 6) == 0);
	}
}

static void
word_case(const char *s)
{
	enum tok_price_kind k;
	enum out_format f;
	struct tok_err e;
	int want;

	want = strcmp(s, "table") == 0 || strcmp(s, "tsv") == 0 ||
	    strcmp(s, "csv") == 0 || strcmp(s, "json") == 0;
	check((out_format_parse(s, &f) == 0) == want);
	want = strcmp(s, "task") == 0 || strcmp(s, "service") == 0 ||
	    strcmp(s, "exchange") == 0;
	if (price_kind_parse(s, &k, &e) == TOK_OK)
		check(want && strcmp(price_kind_name(k), s) == 0);
	else {
		check(!want);
		refused(&e);
	}
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *s;
	unsigned char p;

	if (size < 1 || size > 4096)
		return 0;
	p = data[0];
	if ((s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	uint_case(s, p);
	number_case(s, p);
	date_case(s);
	name_case(s);
	ref_case(s);
	text_case(s);
	word_case(s);
	free(s);
	return 0;
}
