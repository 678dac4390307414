/*
 * fuzz_amount - libFuzzer target for amount.c
 *
 * Every amount that parses must format back to a string that parses to
 * the same units: parsing and formatting are exact inverses.
 */
#include <stdlib.h>
#include <string.h>

#include "tok.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char in[64], out[32];
	struct tok_err e;
	int64_t units, again;
	int decimals;

	if (size < 1 || size > sizeof(in))
		return 0;
	decimals = data[0] % (TOK_MAX_DECIMALS + 1);
	memcpy(in, data + 1, size - 1);
	in[size - 1] = '\0';
	if (amount_parse(in, decimals, 1, &units, &e) != TOK_OK)
		return 0;
	amount_format(units, decimals, out, sizeof(out));
	if (amount_parse(out, decimals, 1, &again, &e) != TOK_OK ||
	    again != units)
		abort();
	return 0;
}
