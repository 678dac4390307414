/*
 * fuzz_url - libFuzzer target for the PostgreSQL URL shown in messages
 *
 * Whatever the URL, what is shown fits its buffer, and a password=
 * parameter shows only as "***".
 */
#include <stdlib.h>
#include <string.h>

#include "tok.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char in[512], out[64];
	const char *p;

	if (size >= sizeof(in))
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	ledger_url_shown(in, out, sizeof(out));
	if (strlen(out) >= sizeof(out))
		abort();
	/* A parameter begins after ? or &; what follows it is cut only by
	 * the size of out. */
	for (p = out; (p = strstr(p, "password=")) != NULL; p++)
		if (p > out && (p[-1] == '?' || p[-1] == '&') && strncmp(p + 9,
		    "***", strnlen(p + 9, 3)) != 0)
			abort();
	return 0;
}
