/*
 * fuzz_config.c - libFuzzer target for the tok.yaml loader.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 \
 *       -D_DEFAULT_SOURCE -Icommon tests/fuzz/fuzz_config.c \
 *       common/config.c common/err.c common/amount.c common/names.c \
 *       common/utf8.c -lyaml -o fuzz_config
 *   ./fuzz_config -max_total_time=60 tests/fuzz/corpus/config/
 *
 * Besides crashes, it checks the loader's contract: a failure is
 * TOK_UNUSABLE with a message naming the input; a success holds only
 * values in their documented ranges.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tok.h"

#define NAME "fuzz.yaml"

static int
in(int v, int lo, int hi)
{
	return v >= lo && v <= hi;
}

static int
tiers_ok(const struct tok_config *c)
{
	int i;

	if (!in(c->ntiers, 0, TOK_MAX_TIERS))
		return 0;
	for (i = 0; i < c->ntiers; i++) {
		if (c->tiers[i].name[0] == '\0' || c->tiers[i].min_earned < 0)
			return 0;
		if (i > 0 && c->tiers[i].min_earned <= c->tiers[i - 1].min_earned)
			return 0;
	}
	return 1;
}

static int
config_ok(const struct tok_config *c)
{
	return strcmp(c->path, NAME) == 0 && strlen(c->currency) == 3 &&
	    in(c->currency_decimals, 0, 4) &&
	    in(c->token_decimals, 0, TOK_MAX_DECIMALS) && tiers_ok(c) &&
	    in(c->pricing.notice_days, 0, 3650) &&
	    in(c->pricing.max_increase_pct, 0, 1000) &&
	    in(c->pricing.window_days, 1, 3650) &&
	    in((int)c->pricing.above_cap, ABOVE_CAP_REFUSE, ABOVE_CAP_VOTE) &&
	    in(c->pricing.decreases_immediate, 0, 1) &&
	    in((int)c->governance.method, VOTE_TOKEN, VOTE_QUADRATIC) &&
	    in(c->governance.quorum_pct, 0, 100) &&
	    in(c->governance.threshold_pct, 1, 100) &&
	    in(c->governance.days, 1, 365) &&
	    in(c->governance.max_voter_share_pct, 0, 100) &&
	    in(c->expiry.after_days, 0, 36500) &&
	    in(c->expiry.warn_days, 1, 3650);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tok_config c;
	struct tok_err e;

	memset(&e, 0, sizeof(e));
	if (config_load_buffer((const char *)data, size, NAME, &c, &e) !=
	    TOK_OK) {
		if (e.status != TOK_UNUSABLE ||
		    strncmp(e.msg, NAME ":", strlen(NAME ":")) != 0 ||
		    memchr(e.msg, '\0', sizeof(e.msg)) == NULL)
			abort();
		return 0;
	}
	if (!config_ok(&c))
		abort();
	return 0;
}
