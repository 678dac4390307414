/* date.c - ISO 8601 dates and UTC timestamps, strictly parsed */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tok.h"

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Reads exactly n digits at s; -1 when one is not a digit. */
static int
digits(const char *s, int n)
{
	int v = 0;

	for (; n > 0; n--, s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* Parses "YYYY-MM-DD" at the start of s; 0 or -1. */
static int
parse_ymd(const char *s, int64_t *days)
{
	static const int mdays[] = {31,28,31,30,31,30,31,31,30,31,30,31};
	int y, m, d;

	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 1 || s[4] != '-' || m < 1 || m > 12 || s[7] != '-' || d < 1 ||
	    d > mdays[m - 1] + (m == 2 && leap(y)))
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

int
date_parse(const char *s, int64_t *days, struct tok_err *e)
{
	if (strnlen(s, 11) != 10 || parse_ymd(s, days) != 0)
		return tok_fail(e, TOK_DATAERR,
		    "date \"%.40s\": not a date (YYYY-MM-DD)", s);
	return TOK_OK;
}

int
timestamp_parse(const char *s, int64_t *epoch, struct tok_err *e)
{
	int64_t days;
	int h, mi, sec;

	if (strnlen(s, 11) == 10 && parse_ymd(s, &days) == 0) {
		*epoch = days * 86400;
		return TOK_OK;
	}
	if (strnlen(s, 21) != 20 || parse_ymd(s, &days) != 0 ||
	    s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
	    (h = digits(s + 11, 2)) < 0 || h > 23 ||
	    (mi = digits(s + 14, 2)) < 0 || mi > 59 ||
	    (sec = digits(s + 17, 2)) < 0 || sec > 59)
		return tok_fail(e, TOK_DATAERR, "time \"%.40s\": not an "
		    "ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SSZ)", s);
	*epoch = days * 86400 + h * 3600 + mi * 60 + sec;
	return TOK_OK;
}

char *
date_format(int64_t days, char *buf, size_t len)
{
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
	return buf;
}

char *
timestamp_format(int64_t epoch, char *buf, size_t len)
{
	int64_t days = epoch / 86400, rem = epoch % 86400;
	char date[16];

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	snprintf(buf, len, "%sT%02d:%02d:%02dZ",
	    date_format(days, date, sizeof(date)), (int)(rem / 3600),
	    (int)(rem / 60 % 60), (int)(rem % 60));
	return buf;
}

int
tok_now(int64_t *epoch, struct tok_err *e)
{
	const char *env = getenv("TOK_NOW");

	if (env != NULL && *env != '\0') {
		if (timestamp_parse(env, epoch, e) != TOK_OK)
			return tok_err_prefix(e, "TOK_NOW");
		return TOK_OK;
	}
	*epoch = (int64_t)time(NULL);
	return TOK_OK;
}
