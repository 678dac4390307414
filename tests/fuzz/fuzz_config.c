/*
 * fuzz_config.c - libFuzzer target for the tok.yaml loader.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 \
 *       -D_DEFAULT_SOURCE -Icommon tests/fuzz/fuzz_config.c \
 *       common/config*.c common/err.c common/amount.c common/names.c \
 *       common/utf8.c common/date.c -lyaml -o fuzz_config
 *   ./fuzz_config -max_total_time=60 -dict=tests/fuzz/config.dict \
 *       tests/fuzz/corpus/config/
 *
 * Besides crashes, it checks the loader's contract: a failure is
 * TOK_UNUSABLE with a message naming the input; a success holds only
 * values in their documented ranges; config_free releases all (ASan's
 * leak check covers failed loads too).
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
		if (c->tiers[i].multiplier_bp < 1 ||
		    c->tiers[i].multiplier_bp > 1000000)
			return 0;
	}
	return 1;
}

static int
name_ok(const char *s)
{
	struct tok_err e;

	return memchr(s, '\0', TOK_NAME_MAX + 1) != NULL &&
	    worker_valid(s, &e) == TOK_OK;
}

static int
tier_exists(const struct tok_config *c, const char *name)
{
	int i;

	for (i = 0; i < c->ntiers; i++)
		if (strcmp(c->tiers[i].name, name) == 0)
			return 1;
	return 0;
}

/* No C0 or C1 control character, nor DEL. */
static int
text_ok(const char *t)
{
	const unsigned char *s = (const unsigned char *)t;

	for (; *s != '\0'; s++)
		if (*s < ' ' || *s == 0x7f || (s[0] == 0xc2 && s[1] >= 0x80 &&
		    s[1] <= 0x9f))
			return 0;
	return 1;
}

static int
price_ok(const struct tok_config *c, int i)
{
	const struct tok_price_entry *p = &c->prices[i];
	struct tok_err e;
	int64_t v;
	int j;

	if (!in((int)p->kind, PRICE_TASK, PRICE_EXCHANGE) || !name_ok(p->name) ||
	    !name_ok(p->per) || p->price <= 0 ||
	    memchr(p->price_text, '\0', sizeof(p->price_text)) == NULL ||
	    amount_parse(p->price_text, TOK_PRICE_DECIMALS, 0, &v, &e) !=
	    TOK_OK || v != p->price ||
	    !in(p->unit_decimals, 0, 4) || p->effective < -1 || p->line < 1 ||
	    (i > 0 && p->line <= c->prices[i - 1].line) ||
	    memchr(p->reason, '\0', sizeof(p->reason)) == NULL ||
	    memo_valid(p->reason, &e) != TOK_OK || !text_ok(p->reason) ||
	    strlen(p->reason) > TOK_REASON_MAX)
		return 0;
	if (p->kind != PRICE_TASK && p->unit_decimals != 0)
		return 0;
	if (p->kind == PRICE_SERVICE ? p->min_tier[0] != '\0' &&
	    (!name_ok(p->min_tier) || !tier_exists(c, p->min_tier)) :
	    p->min_tier[0] != '\0')
		return 0;
	if (p->kind == PRICE_EXCHANGE && (strcmp(p->name, c->currency) != 0 ||
	    strcmp(p->per, "token") != 0))
		return 0;
	for (j = 0; j < i; j++)
		if (c->prices[j].kind == p->kind &&
		    c->prices[j].effective == p->effective &&
		    strcmp(c->prices[j].name, p->name) == 0)
			return 0;
	return 1;
}

static int
prices_ok(const struct tok_config *c)
{
	int i;

	if (!in(c->nprices, 0, TOK_MAX_PRICES) ||
	    (c->nprices == 0) != (c->prices == NULL))
		return 0;
	for (i = 0; i < c->nprices; i++)
		if (!price_ok(c, i))
			return 0;
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
	    in(c->expiry.warn_days, 1, 3650) && prices_ok(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tok_config c;
	struct tok_err e;
	int ok;

	memset(&e, 0, sizeof(e));
	config_defaults(&c);
	if (config_load_buffer((const char *)data, size, NAME, &c, &e) !=
	    TOK_OK) {
		if (e.status != TOK_UNUSABLE ||
		    strncmp(e.msg, NAME ":", strlen(NAME ":")) != 0 ||
		    memchr(e.msg, '\0', sizeof(e.msg)) == NULL)
			abort();
		/* c is left as it was: the defaults. */
		if (c.prices != NULL || c.nprices != 0 || c.path[0] != '\0')
			abort();
		config_free(&c);
		return 0;
	}
	ok = config_ok(&c);
	config_free(&c);
	if (!ok || c.prices != NULL || c.nprices != 0)
		abort();
	return 0;
}
