/* names.c - what a worker name, a ref and a memo may be */
#include <string.h>

#include "tok.h"

int
name_valid(const char *what, const char *name, struct tok_err *e)
{
	size_t n = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789._-");

	if (*name == '\0')
		return tok_fail(e, TOK_DATAERR, "%s name is empty", what);
	if (name[n] != '\0' || n > TOK_NAME_MAX)
		return tok_fail(e, TOK_DATAERR, "%s \"%.*s%s\": not a "
		    "%s name (1-%d characters of A-Za-z0-9._-)", what,
		    TOK_NAME_MAX, name, strlen(name) > TOK_NAME_MAX ? "..." : "",
		    what, TOK_NAME_MAX);
	return TOK_OK;
}

int
worker_valid(const char *name, struct tok_err *e)
{
	return name_valid("worker", name, e);
}

int
ref_valid(const char *ref, struct tok_err *e)
{
	const char *p;

	if (*ref == '\0')
		return tok_fail(e, TOK_DATAERR, "ref is empty");
	for (p = ref; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~' || p - ref >= TOK_REF_MAX)
			return tok_fail(e, TOK_DATAERR, "ref \"%.*s%s\": not a "
			    "ref (1-%d printable ASCII characters, no spaces)",
			    TOK_REF_MAX, ref,
			    strlen(ref) > TOK_REF_MAX ? "..." : "", TOK_REF_MAX);
	if (strncmp(ref, "auto:", 5) == 0 || strncmp(ref, "expire:", 7) == 0)
		return tok_fail(e, TOK_DATAERR, "ref \"%s\": the prefixes "
		    "\"auto:\" and \"expire:\" are reserved for refs tok "
		    "makes itself", ref);
	return TOK_OK;
}

int
memo_valid(const char *memo, struct tok_err *e)
{
	size_t len = strlen(memo), bad;

	if (len > TOK_MEMO_MAX)
		return tok_fail(e, TOK_DATAERR, "memo longer than %d bytes",
		    TOK_MEMO_MAX);
	if (!utf8_valid(memo, len, &bad))
		return tok_fail(e, TOK_DATAERR, "memo: invalid UTF-8 at byte %zu",
		    bad + 1);
	return TOK_OK;
}

int
text_valid(const char *what, const char *s, size_t max, struct tok_err *e)
{
	size_t len = strlen(s), bad, i;

	if (len > max)
		return tok_fail(e, TOK_DATAERR, "%s longer than %zu bytes", what,
		    max);
	if (!utf8_valid(s, len, &bad))
		return tok_fail(e, TOK_DATAERR, "%s: invalid UTF-8 at byte %zu",
		    what, bad + 1);
	/* It ends up on terminals: no control characters, C0, DEL or C1
	 * (U+0080..U+009F, encoded C2 80..C2 9F). */
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f ||
		    ((unsigned char)s[i] == 0xc2 && i + 1 < len &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f))
			return tok_fail(e, TOK_DATAERR, "%s: control character "
			    "at byte %zu", what, i + 1);
	return TOK_OK;
}
