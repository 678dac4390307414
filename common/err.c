/* err.c - the one way library functions report failure */
#include <stdarg.h>
#include <string.h>

#include "tok.h"

int
tok_fail(struct tok_err *e, int status, const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return status;
}

int
tok_err_prefix(struct tok_err *e, const char *fmt, ...)
{
	char prefix[512];
	size_t plen, mlen;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	plen = strlen(prefix);
	mlen = strlen(e->msg);
	/* "prefix: msg", the message cut at the end when it does not fit */
	if (plen + 2 + mlen >= sizeof(e->msg))
		mlen = sizeof(e->msg) - plen - 3;
	memmove(e->msg + plen + 2, e->msg, mlen);
	e->msg[plen + 2 + mlen] = '\0';
	memcpy(e->msg, prefix, plen);
	memcpy(e->msg + plen, ": ", 2);
	return e->status;
}

int
tok_err_suffix(struct tok_err *e, const char *fmt, ...)
{
	size_t len = strlen(e->msg);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg + len, sizeof(e->msg) - len, fmt, ap);
	va_end(ap);
	return e->status;
}
