/* tier.c - status tiers: which one lifetime earnings reach */
#include "tok.h"

int
tier_min(const struct tok_config *c, int i, int decimals, int64_t *min,
    struct tok_err *e)
{
	/* The config was read before the ledger's decimals were known. */
	if (amount_parse(c->tiers[i].min_earned_text, decimals, 1, min, e))
		return tok_err_prefix(e, "tier %s: min_earned",
		    c->tiers[i].name);
	return TOK_OK;
}

int
tier_of(const struct tok_config *c, int64_t earned, int decimals, int *tier,
    struct tok_err *e)
{
	int64_t min;
	int i;

	*tier = -1;
	for (i = 0; i < c->ntiers; i++) {
		if (tier_min(c, i, decimals, &min, e) != TOK_OK)
			return e->status;
		if (earned >= min)
			*tier = i;     /* tiers are in increasing order */
	}
	return TOK_OK;
}
