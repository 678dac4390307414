/* config_lists.c - the sequences of tok.yaml, tiers: and prices:, and
 * their checks at the end of the file */
#include <stdlib.h>
#include <string.h>

#include "config_priv.h"

/* Offsets from a struct tok_tier; name and min_earned are required. */
#define TF(f) offsetof(struct tok_tier, f)
#define TSZ(f) sizeof(((struct tok_tier *)0)->f)
#define TIER_NAME 0
#define TIER_MIN 1
#define TIER_REQUIRED (1u << TIER_NAME | 1u << TIER_MIN)
static const struct key tier_keys[] = {
	{ .name = "name", .type = K_NAME, .off = TF(name),
	    .size = TSZ(name) },
	{ .name = "min_earned", .type = K_AMOUNT, .off = TF(min_earned_text),
	    .size = TSZ(min_earned_text) },
	/* 0.0001 to 100 */
	{ .name = "multiplier", .type = K_FIXED, .min = 1, .max = 1000000,
	    .dec = 4, .off = TF(multiplier_bp) },
	END
};

/* Offsets from a struct tok_price_entry. */
#define PF(f) offsetof(struct tok_price_entry, f)
#define PSZ(f) sizeof(((struct tok_price_entry *)0)->f)
static const struct choice price_kinds[] = {
	{ "task", PRICE_TASK }, { "service", PRICE_SERVICE },
	{ "exchange", PRICE_EXCHANGE }, { NULL, 0 }
};
enum {
	PRICE_KIND, PRICE_NAME, PRICE_PRICE, PRICE_PER, PRICE_UNIT_DECIMALS,
	PRICE_MIN_TIER, PRICE_EFFECTIVE, PRICE_REASON
};
#define PRICE_REQUIRED \
	(1u << PRICE_KIND | 1u << PRICE_NAME | 1u << PRICE_PRICE)
static const struct key price_keys[] = {
	{ .name = "kind", .type = K_CHOICE, .choices = price_kinds,
	    .off = PF(kind) },
	{ .name = "name", .type = K_NAME, .off = PF(name), .size = PSZ(name) },
	{ .name = "price", .type = K_AMOUNT, .off = PF(price_text),
	    .size = PSZ(price_text) },
	{ .name = "per", .type = K_NAME, .off = PF(per), .size = PSZ(per) },
	{ .name = "unit_decimals", .type = K_INT, .min = 0, .max = 4,
	    .off = PF(unit_decimals) },
	{ .name = "min_tier", .type = K_NAME, .off = PF(min_tier),
	    .size = PSZ(min_tier) },
	{ .name = "effective", .type = K_DATE, .off = PF(effective) },
	{ .name = "reason", .type = K_TEXT, .off = PF(reason),
	    .size = PSZ(reason) },
	END
};
/* The keys each kind may have, by enum tok_price_kind. */
static const unsigned price_kind_keys[] = {
	~(1u << PRICE_MIN_TIER),                                 /* task */
	~(1u << PRICE_UNIT_DECIMALS),                            /* service */
	~(1u << PRICE_MIN_TIER | 1u << PRICE_UNIT_DECIMALS),     /* exchange */
};

static int
parse_tier(struct cfgp *p, int i)
{
	struct tok_tier *t = &p->cfg.tiers[i];
	struct seen s;
	char path[32];
	int rc, j;

	snprintf(path, sizeof(path), "tiers[%d]", i);
	if (p->ev.type != YAML_MAPPING_START_EVENT)
		return cfg_fail_at(p, p->ev.start_mark, "%s: expected a "
		    "mapping, found %s", path, cfg_kind(&p->ev));
	t->multiplier_bp = 10000;
	if ((rc = cfg_parse_map(p, tier_keys, t, path, &s)) != TOK_OK)
		return rc;
	for (j = 0; tier_keys[j].name != NULL; j++)
		if (TIER_REQUIRED & 1u << j && !(s.keys & 1u << j))
			return cfg_fail_at(p, s.start, "%s: missing \"%s\"",
			    path, tier_keys[j].name);
	for (j = 0; j < i; j++)
		if (strcmp(p->cfg.tiers[j].name, t->name) == 0)
			return cfg_fail_at(p, s.mark[TIER_NAME], "%s.name: "
			    "\"%s\": the same name as tiers[%d]", path,
			    t->name, j);
	p->tier_mark[i] = s.mark[TIER_MIN];
	return TOK_OK;
}

int
cfg_parse_tiers(struct cfgp *p, const struct section *sec)
{
	int rc, empty;

	if ((rc = cfg_open_node(p, YAML_SEQUENCE_START_EVENT, sec->name,
	    &empty)) || empty)
		return rc;
	p->cfg.ntiers = 0;     /* the file's tiers replace any loaded over */
	for (;;) {
		if ((rc = cfg_next(p)) != TOK_OK)
			return rc;
		if (p->ev.type == YAML_SEQUENCE_END_EVENT)
			return TOK_OK;
		if (p->cfg.ntiers == TOK_MAX_TIERS)
			return cfg_fail_at(p, p->ev.start_mark, "tiers: more "
			    "than %d tiers", TOK_MAX_TIERS);
		if ((rc = parse_tier(p, p->cfg.ntiers)) != TOK_OK)
			return rc;
		p->cfg.ntiers++;
	}
}

/* Makes room for one more price entry. */
static int
grow_prices(struct cfgp *p)
{
	struct tok_price_entry *pe;
	struct price_mark *pm;
	int cap;

	if (p->cfg.nprices < p->price_cap)
		return TOK_OK;
	cap = p->price_cap == 0 ? 16 : p->price_cap * 2;
	if (cap > TOK_MAX_PRICES)
		cap = TOK_MAX_PRICES;
	if ((pe = realloc(p->cfg.prices, (size_t)cap * sizeof(*pe))) == NULL)
		return tok_fail(p->e, TOK_UNUSABLE, "%s: out of memory",
		    p->name);
	p->cfg.prices = pe;
	if ((pm = realloc(p->price_mark, (size_t)cap * sizeof(*pm))) == NULL)
		return tok_fail(p->e, TOK_UNUSABLE, "%s: out of memory",
		    p->name);
	p->price_mark = pm;
	p->price_cap = cap;
	return TOK_OK;
}

/* The current event opens prices[i]; room for it has been made. */
static int
parse_price(struct cfgp *p, int i)
{
	struct tok_price_entry *pe = &p->cfg.prices[i], *o;
	struct tok_err ae;
	struct seen s;
	char path[32];
	unsigned bad;
	int rc, j;

	snprintf(path, sizeof(path), "prices[%d]", i);
	if (p->ev.type != YAML_MAPPING_START_EVENT)
		return cfg_fail_at(p, p->ev.start_mark, "%s: expected a "
		    "mapping, found %s", path, cfg_kind(&p->ev));
	memset(pe, 0, sizeof(*pe));
	pe->effective = -1;
	if ((rc = cfg_parse_map(p, price_keys, pe, path, &s)) != TOK_OK)
		return rc;
	for (j = 0; price_keys[j].name != NULL; j++)
		if (PRICE_REQUIRED & 1u << j && !(s.keys & 1u << j))
			return cfg_fail_at(p, s.start, "%s: missing \"%s\"",
			    path, price_keys[j].name);
	if ((bad = s.keys & ~price_kind_keys[pe->kind]) != 0) {
		j = __builtin_ctz(bad);
		return cfg_fail_at(p, s.key[j], "%s.%s: not allowed with "
		    "kind %s (only with %s)", path, price_keys[j].name,
		    price_kinds[pe->kind].name, j == PRICE_MIN_TIER ?
		    "service" : "task");
	}
	if (amount_parse(pe->price_text, TOK_PRICE_DECIMALS, 0, &pe->price,
	    &ae) != TOK_OK)
		return cfg_fail_at(p, s.mark[PRICE_PRICE], "%s.price: %s", path,
		    ae.msg);
	if (pe->kind == PRICE_EXCHANGE && s.keys & 1u << PRICE_PER &&
	    strcmp(pe->per, "token") != 0)
		return cfg_fail_at(p, s.mark[PRICE_PER], "%s.per: \"%s\": an "
		    "exchange rate is per \"token\"", path, pe->per);
	if (!(s.keys & 1u << PRICE_PER))
		strcpy(pe->per, pe->kind == PRICE_EXCHANGE ? "token" : "unit");
	for (j = 0; j < i; j++) {
		o = &p->cfg.prices[j];
		if (o->kind == pe->kind && o->effective == pe->effective &&
		    strcmp(o->name, pe->name) == 0)
			return cfg_fail_at(p, s.start, "%s: the same kind, "
			    "name and effective date as prices[%d] (line %d)",
			    path, j, o->line);
	}
	pe->line = (int)s.start.line + 1;   /* the file is at most 1 MiB */
	p->price_mark[i].name = s.mark[PRICE_NAME];
	p->price_mark[i].min_tier = s.mark[PRICE_MIN_TIER];
	return TOK_OK;
}

int
cfg_parse_prices(struct cfgp *p, const struct section *sec)
{
	int rc, empty;

	if ((rc = cfg_open_node(p, YAML_SEQUENCE_START_EVENT, sec->name,
	    &empty)) || empty)
		return rc;
	for (;;) {
		if ((rc = cfg_next(p)) != TOK_OK)
			return rc;
		if (p->ev.type == YAML_SEQUENCE_END_EVENT)
			return TOK_OK;
		if (p->cfg.nprices == TOK_MAX_PRICES)
			return cfg_fail_at(p, p->ev.start_mark, "prices: more "
			    "than %d entries", TOK_MAX_PRICES);
		if ((rc = grow_prices(p)) != TOK_OK ||
		    (rc = parse_price(p, p->cfg.nprices)) != TOK_OK)
			return rc;
		p->cfg.nprices++;
	}
}

/* Checks against currency: and tiers:, which may come after prices:. */
int
cfg_check_prices(struct cfgp *p)
{
	const struct tok_price_entry *pe;
	int i, j;

	for (i = 0; i < p->cfg.nprices; i++) {
		pe = &p->cfg.prices[i];
		if (pe->kind == PRICE_EXCHANGE &&
		    strcmp(pe->name, p->cfg.currency) != 0)
			return cfg_fail_at(p, p->price_mark[i].name,
			    "prices[%d].name: \"%s\": an exchange rate is "
			    "named by the currency, currency.code \"%s\"", i,
			    pe->name, p->cfg.currency);
		if (pe->min_tier[0] == '\0')
			continue;
		for (j = 0; j < p->cfg.ntiers; j++)
			if (strcmp(p->cfg.tiers[j].name, pe->min_tier) == 0)
				break;
		if (j == p->cfg.ntiers)
			return cfg_fail_at(p, p->price_mark[i].min_tier,
			    "prices[%d].min_tier: \"%s\": not a tier of "
			    "tiers", i, pe->min_tier);
	}
	return TOK_OK;
}

/* Tier amounts need token.decimals, which may come after tiers:. */
int
cfg_check_tiers(struct cfgp *p)
{
	struct tok_tier *t = p->cfg.tiers;
	struct tok_err ae;
	int i;

	for (i = 0; i < p->cfg.ntiers; i++) {
		if (amount_parse(t[i].min_earned_text, p->cfg.token_decimals,
		    1, &t[i].min_earned, &ae) != TOK_OK)
			return cfg_fail_at(p, p->tier_mark[i],
			    "tiers[%d].min_earned: %s", i, ae.msg);
		if (i > 0 && t[i].min_earned <= t[i - 1].min_earned)
			return cfg_fail_at(p, p->tier_mark[i],
			    "tiers[%d].min_earned: \"%s\": must be more "
			    "than tiers[%d].min_earned \"%s\"", i,
			    t[i].min_earned_text, i - 1,
			    t[i - 1].min_earned_text);
	}
	return TOK_OK;
}
