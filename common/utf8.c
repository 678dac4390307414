/* utf8.c - UTF-8 validation */
#include <stdint.h>

#include "tok.h"

/*
 * Strict UTF-8 (RFC 3629): refuses overlong forms, surrogates, code
 * points past U+10FFFF and truncated sequences.  NUL is valid UTF-8;
 * callers that refuse it check for it themselves.  bad may be NULL.
 */
int
utf8_valid(const char *s, size_t len, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, k;
	uint32_t cp;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			n = 1;
			cp = p[i] & 0x1f;
		} else if (p[i] >= 0xe0 && p[i] <= 0xef) {
			n = 2;
			cp = p[i] & 0x0f;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			n = 3;
			cp = p[i] & 0x07;
		} else
			goto bad;
		if (len - i - 1 < n)
			goto bad;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
			goto bad;
		if (n == 3 && (cp < 0x10000 || cp > 0x10ffff))
			goto bad;
		i += n + 1;
	}
	return 1;
bad:
	if (bad != NULL)
		*bad = i;
	return 0;
}

size_t
utf8_char_len(const char *p, size_t avail)
{
	unsigned char c = (unsigned char)*p;
	size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

	if (n > avail || !utf8_valid(p, n, NULL))
		return 0;
	return n;
}
