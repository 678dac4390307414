/* amount.c - exact fixed-point amounts: parsing and formatting */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tok.h"

/* Longest input worth looking at; anything longer is refused unread. */
#define AMOUNT_TEXT_MAX 40

static int
bad(struct tok_err *e, const char *what, const char *s, const char *why)
{
	if (strlen(s) > AMOUNT_TEXT_MAX)
		return tok_fail(e, TOK_DATAERR, "%s \"%.*s...\": %s", what,
		    AMOUNT_TEXT_MAX, s, why);
	return tok_fail(e, TOK_DATAERR, "%s \"%s\": %s", what, s, why);
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
amount_parse(const char *s, int decimals, int allow_zero, int64_t *out,
    struct tok_err *e)
{
	return number_parse("amount", s, decimals, allow_zero, out, e);
}

int
number_parse(const char *what, const char *s, int decimals, int allow_zero,
    int64_t *out, struct tok_err *e)
{
	const char *p = s;
	int64_t v = 0;
	int frac = 0, seen_point = 0, digits = 0;

	if (*s == '\0')
		return bad(e, what, s, "empty");
	if (*s == '-')
		return bad(e, what, s, "must not be negative");
	for (; *p != '\0'; p++) {
		if (*p == '.' && !seen_point) {
			if (digits == 0)
				return bad(e, what, s, "not a number");
			seen_point = 1;
			continue;
		}
		if (!is_digit(*p))
			return bad(e, what, s, *p == ',' ?
			    "not a number (the decimal separator is \".\")" :
			    "not a number");
		if (seen_point && ++frac > decimals)
			return tok_fail(e, TOK_DATAERR,
			    "%s \"%s\": more than %d decimal%s", what, s,
			    decimals, decimals == 1 ? "" : "s");
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, *p - '0', &v))
			return bad(e, what, s, "too large");
		digits++;
	}
	if (seen_point && frac == 0)
		return bad(e, what, s, "not a number");
	for (; frac < decimals; frac++)
		if (__builtin_mul_overflow(v, 10, &v))
			return bad(e, what, s, "too large");
	if (v == 0 && !allow_zero)
		return bad(e, what, s, "must be more than zero");
	*out = v;
	return TOK_OK;
}

char *
amount_format(int64_t units, int decimals, char *buf, size_t len)
{
	uint64_t mag, scale = 1;
	int i;

	/* Magnitude in unsigned arithmetic: -INT64_MIN does not fit int64. */
	mag = units < 0 ? -(uint64_t)units : (uint64_t)units;
	for (i = 0; i < decimals; i++)
		scale *= 10;
	if (decimals == 0)
		snprintf(buf, len, "%s%" PRIu64, units < 0 ? "-" : "", mag);
	else
		snprintf(buf, len, "%s%" PRIu64 ".%0*" PRIu64,
		    units < 0 ? "-" : "", mag / scale, decimals, mag % scale);
	return buf;
}

int
uint_parse(const char *s, int64_t max, int64_t *out)
{
	int64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (!is_digit(*s) || __builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, *s - '0', &v) || v > max)
			return -1;
	}
	*out = v;
	return 0;
}

int64_t
isqrt64(int64_t v)
{
	uint64_t x = (uint64_t)v, y;

	/* Newton's method from above: it only goes down, to the floor. */
	if (v < 2)
		return v < 0 ? 0 : v;
	for (y = (x + 1) / 2; y < x; y = (x + (uint64_t)v / x) / 2)
		x = y;
	return (int64_t)x;
}
