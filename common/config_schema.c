/* config_schema.c - the sections of tok.yaml and their keys: the
 * top-level mapping, and mappings read by a table of keys */
#include <string.h>

#include "config_priv.h"

#define CF(f) offsetof(struct tok_config, f)
#define SZ(f) sizeof(((struct tok_config *)0)->f)
#define INT(n, f, lo, hi) \
	{ .name = n, .type = K_INT, .min = lo, .max = hi, .off = CF(f) }
#define CHOICE(n, f, ch) \
	{ .name = n, .type = K_CHOICE, .choices = ch, .off = CF(f) }
#define STR(n, t, f) { .name = n, .type = t, .off = CF(f), .size = SZ(f) }

static const struct choice above_cap[] = {
	{ "refuse", ABOVE_CAP_REFUSE }, { "vote", ABOVE_CAP_VOTE }, { NULL, 0 }
};
static const struct choice decreases[] = {
	{ "immediate", 1 }, { "notice", 0 }, { NULL, 0 }
};
static const struct choice methods[] = {
	{ "token", VOTE_TOKEN }, { "member", VOTE_MEMBER },
	{ "quadratic", VOTE_QUADRATIC }, { NULL, 0 }
};

static const struct key currency_keys[] = {
	STR("code", K_CODE, currency),
	INT("decimals", currency_decimals, 0, 4),
	END
};
static const struct key token_keys[] = {
	INT("decimals", token_decimals, 0, TOK_MAX_DECIMALS),
	END
};
static const struct key ledger_keys[] = {
	STR("hmac_key_file", K_PATH, hmac_key_file),
	END
};
static const struct key pricing_keys[] = {
	INT("notice_days", pricing.notice_days, 0, 3650),
	INT("max_increase_pct", pricing.max_increase_pct, 0, 1000),
	INT("window_days", pricing.window_days, 1, 3650),
	CHOICE("above_cap", pricing.above_cap, above_cap),
	CHOICE("decreases", pricing.decreases_immediate, decreases),
	END
};
static const struct key governance_keys[] = {
	CHOICE("method", governance.method, methods),
	INT("quorum_pct", governance.quorum_pct, 0, 100),
	INT("threshold_pct", governance.threshold_pct, 1, 100),
	INT("days", governance.days, 1, 365),
	INT("max_voter_share_pct", governance.max_voter_share_pct, 0, 100),
	END
};
static const struct key expiry_keys[] = {
	INT("after_days", expiry.after_days, 0, 36500),
	INT("warn_days", expiry.warn_days, 1, 3650),
	END
};

static int parse_section(struct cfgp *, const struct section *);

/*
 * The top-level keys.  A new section is a row here: a table of keys
 * read by parse_section, or a parser of its own (as tiers:).
 */
static const struct section sections[] = {
	{ "currency", currency_keys, parse_section },
	{ "token", token_keys, parse_section },
	{ "ledger", ledger_keys, parse_section },
	{ "tiers", NULL, cfg_parse_tiers },
	{ "pricing", pricing_keys, parse_section },
	{ "governance", governance_keys, parse_section },
	{ "expiry", expiry_keys, parse_section },
	{ "prices", NULL, cfg_parse_prices },
	{ NULL, NULL, NULL }
};

static void
join(char *buf, size_t len, const char *path, const char *name)
{
	snprintf(buf, len, "%s%s%s", path, *path != '\0' ? "." : "", name);
}

static int
unknown_key(struct cfgp *p, const char *path)
{
	char q[300];
	char full[sizeof(q) + 64];

	join(full, sizeof(full), path, cfg_ev_esc(p, q, sizeof(q)));
	return cfg_fail_at(p, p->ev.start_mark, "unknown key \"%s\"", full);
}

static const struct key *
find_key(const struct key *keys, const char *name)
{
	for (; keys->name != NULL; keys++)
		if (strcmp(keys->name, name) == 0)
			return keys;
	return NULL;
}

/*
 * The current event opens a mapping (or null) at path whose keys are
 * keys, filling base; s tells which keys were seen and where.
 */
int
cfg_parse_map(struct cfgp *p, const struct key *keys, void *base,
    const char *path, struct seen *s)
{
	const struct key *k;
	char full[128];
	int rc, empty, end, i;

	memset(s, 0, sizeof(*s));
	s->start = p->ev.start_mark;
	if ((rc = cfg_open_node(p, YAML_MAPPING_START_EVENT, path, &empty)) ||
	    empty)
		return rc;
	while ((rc = cfg_next_key(p, path, &end)) == TOK_OK && !end) {
		if ((k = find_key(keys, cfg_ev_text(p))) == NULL)
			return unknown_key(p, path);
		join(full, sizeof(full), path, k->name);
		i = (int)(k - keys);
		if (s->keys & 1u << i)
			return cfg_fail_at(p, p->ev.start_mark, "duplicate key "
			    "\"%s\"", full);
		s->keys |= 1u << i;
		s->key[i] = p->ev.start_mark;
		if ((rc = cfg_next(p)) != TOK_OK)
			return rc;
		s->mark[i] = p->ev.start_mark;
		if ((rc = cfg_set_value(p, k, full, base)) != TOK_OK)
			return rc;
	}
	return rc;
}

static int
parse_section(struct cfgp *p, const struct section *sec)
{
	struct seen s;

	return cfg_parse_map(p, sec->keys, &p->cfg, sec->name, &s);
}

static const struct section *
find_section(const char *name)
{
	const struct section *sec;

	for (sec = sections; sec->name != NULL; sec++)
		if (strcmp(sec->name, name) == 0)
			return sec;
	return NULL;
}

/* The current event opens the top-level mapping. */
static int
parse_top(struct cfgp *p)
{
	const struct section *sec;
	unsigned seen = 0;
	int rc, end;

	while ((rc = cfg_next_key(p, "", &end)) == TOK_OK && !end) {
		if ((sec = find_section(cfg_ev_text(p))) == NULL)
			return unknown_key(p, "");
		if (seen & 1u << (sec - sections))
			return cfg_fail_at(p, p->ev.start_mark, "duplicate key "
			    "\"%s\"", sec->name);
		seen |= 1u << (sec - sections);
		if ((rc = cfg_next(p)) != TOK_OK ||
		    (rc = sec->parse(p, sec)) != TOK_OK)
			return rc;
	}
	return rc;
}

static int
expect(struct cfgp *p, yaml_event_type_t type)
{
	int rc;

	if ((rc = cfg_next(p)) != TOK_OK)
		return rc;
	if (p->ev.type == type)
		return TOK_OK;
	if (p->ev.type == YAML_DOCUMENT_START_EVENT)
		return cfg_fail_at(p, p->ev.start_mark, "more than one YAML "
		    "document");
	return cfg_fail_at(p, p->ev.start_mark, "unexpected YAML event");
}

int
cfg_parse_stream(struct cfgp *p)
{
	int rc;

	if ((rc = expect(p, YAML_STREAM_START_EVENT)) != TOK_OK ||
	    (rc = cfg_next(p)) != TOK_OK)
		return rc;
	if (p->ev.type == YAML_STREAM_END_EVENT)
		return TOK_OK;   /* empty, or only comments */
	if ((rc = cfg_next(p)) != TOK_OK)
		return rc;
	if (p->ev.type == YAML_MAPPING_START_EVENT)
		rc = parse_top(p);
	else if (!cfg_is_null(&p->ev))
		rc = cfg_fail_at(p, p->ev.start_mark, "expected a mapping at "
		    "the top level, found %s", cfg_kind(&p->ev));
	if (rc != TOK_OK ||
	    (rc = expect(p, YAML_DOCUMENT_END_EVENT)) != TOK_OK ||
	    (rc = expect(p, YAML_STREAM_END_EVENT)) != TOK_OK ||
	    (rc = cfg_check_tiers(p)) != TOK_OK)
		return rc;
	return cfg_check_prices(p);
}
