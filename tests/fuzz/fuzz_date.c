/*
 * fuzz_date - libFuzzer target for date.c
 *
 * A date or timestamp that parses must format back to itself.
 */
#include <stdlib.h>
#include <string.h>

#include "tok.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char in[64], out[32];
	struct tok_err e;
	int64_t v;

	if (size >= sizeof(in))
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	if (date_parse(in, &v, &e) == TOK_OK &&
	    strcmp(date_format(v, out, sizeof(out)), in) != 0)
		abort();
	if (timestamp_parse(in, &v, &e) == TOK_OK && strlen(in) == 20 &&
	    strcmp(timestamp_format(v, out, sizeof(out)), in) != 0)
		abort();
	return 0;
}
