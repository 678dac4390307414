/* config.c - tok.yaml, read as a stream of libyaml events */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "tok.h"

/*
 * Limits against hostile input.  A real config is a few hundred events,
 * at most 4 levels deep; these bound the work done on anything else.
 */
#define CONFIG_MAX_BYTES (1024 * 1024)
#define CONFIG_MAX_DEPTH 32
#define CONFIG_MAX_SCALAR 4096
#define CONFIG_MAX_EVENTS 100000
#define CONFIG_MAX_KEYS 32       /* keys of one mapping: bits of `seen` */
#define CONFIG_AMOUNT_MAX 31     /* bytes of an amount as written */

/* Enum fields are stored through an int. */
_Static_assert(sizeof(enum tok_above_cap) == sizeof(int), "enum size");
_Static_assert(sizeof(enum tok_vote_method) == sizeof(int), "enum size");
_Static_assert(sizeof(enum tok_price_kind) == sizeof(int), "enum size");

struct cfgp;

/*
 * K_AMOUNT keeps the text of an amount (parsed later, as its decimals
 * may come later in the file); K_FIXED parses a plain decimal of `dec`
 * decimals into an int64 of min..max units; K_DATE a YYYY-MM-DD into an
 * int64 of days; K_TEXT is free text (no control characters), may be
 * empty.
 */
enum ktype {
	K_INT, K_CHOICE, K_CODE, K_PATH, K_NAME, K_AMOUNT, K_FIXED, K_DATE,
	K_TEXT
};

struct choice {
	const char *name;
	int value;
};

/* One key of a mapping; off is from the base the mapping fills. */
struct key {
	const char *name;
	enum ktype type;
	int min, max;                   /* K_INT, K_FIXED (in units) */
	int dec;                        /* K_FIXED */
	const struct choice *choices;   /* K_CHOICE, ends with a NULL name */
	size_t off;
	size_t size;                    /* char arrays */
};

struct section {
	const char *name;
	const struct key *keys;         /* a mapping of these keys, */
	int (*parse)(struct cfgp *, const struct section *);  /* read so */
};

/* What parse_map saw: which keys, and where (the key, its value). */
struct seen {
	unsigned keys;
	yaml_mark_t start;
	yaml_mark_t key[CONFIG_MAX_KEYS];
	yaml_mark_t mark[CONFIG_MAX_KEYS];
};

/* Where the parts of a price entry checked at the end of the file are. */
struct price_mark {
	yaml_mark_t name, min_tier;
};

struct cfgp {
	yaml_parser_t yp;
	yaml_event_t ev;
	int have_ev;
	int broken;             /* libyaml failed or a limit was hit */
	int depth;
	long nevents;
	const char *name;
	const char *buf;
	size_t len;
	struct tok_config cfg;
	yaml_mark_t tier_mark[TOK_MAX_TIERS];   /* of each min_earned */
	struct price_mark *price_mark;  /* malloc'd, one per cfg.prices */
	int price_cap;                  /* of cfg.prices and price_mark */
	struct tok_err *e;
};

#define CF(f) offsetof(struct tok_config, f)
#define SZ(f) sizeof(((struct tok_config *)0)->f)
#define INT(n, f, lo, hi) \
	{ .name = n, .type = K_INT, .min = lo, .max = hi, .off = CF(f) }
#define CHOICE(n, f, ch) \
	{ .name = n, .type = K_CHOICE, .choices = ch, .off = CF(f) }
#define STR(n, t, f) { .name = n, .type = t, .off = CF(f), .size = SZ(f) }
#define END { .name = NULL }

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

static int parse_section(struct cfgp *, const struct section *);
static int parse_tiers(struct cfgp *, const struct section *);
static int parse_prices(struct cfgp *, const struct section *);

/*
 * The top-level keys.  A new section is a row here: a table of keys
 * read by parse_section, or a parser of its own (as tiers:).
 */
static const struct section sections[] = {
	{ "currency", currency_keys, parse_section },
	{ "token", token_keys, parse_section },
	{ "ledger", ledger_keys, parse_section },
	{ "tiers", NULL, parse_tiers },
	{ "pricing", pricing_keys, parse_section },
	{ "governance", governance_keys, parse_section },
	{ "expiry", expiry_keys, parse_section },
	{ "prices", NULL, parse_prices },
	{ NULL, NULL, NULL }
};

void
config_defaults(struct tok_config *c)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->currency, "EUR", 4);
	c->currency_decimals = 2;
	c->token_decimals = 2;
	c->pricing.notice_days = 30;
	c->pricing.max_increase_pct = 10;
	c->pricing.window_days = 90;
	c->pricing.above_cap = ABOVE_CAP_VOTE;
	c->pricing.decreases_immediate = 1;
	c->governance.method = VOTE_TOKEN;
	c->governance.quorum_pct = 20;
	c->governance.threshold_pct = 50;
	c->governance.days = 7;
	c->governance.max_voter_share_pct = 0;
	c->expiry.after_days = 0;
	c->expiry.warn_days = 30;
	c->prices = NULL;
	c->nprices = 0;
}

void
config_free(struct tok_config *c)
{
	free(c->prices);
	c->prices = NULL;
	c->nprices = 0;
}

static int
too_big(const char *name, struct tok_err *e)
{
	return tok_fail(e, TOK_UNUSABLE, "%s: larger than %d bytes (1 MiB); "
	    "refusing it", name, CONFIG_MAX_BYTES);
}

static int
fail_at(struct cfgp *p, yaml_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail_at(struct cfgp *p, yaml_mark_t m, const char *fmt, ...)
{
	char what[sizeof(p->e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return tok_fail(p->e, TOK_UNUSABLE, "%s:%zu:%zu: %s", p->name,
	    m.line + 1, m.column + 1, what);
}

/* Copies s into buf, escaping what a terminal might act on and cutting
 * it short at 64 bytes: text from the file is quoted in messages so. */
static const char *
esc(char *buf, size_t len, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < n && i < 64 && o + 8 < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= ' ' && ch <= '~' && ch != '"' && ch != '\\') {
			buf[o++] = (char)ch;
			continue;
		}
		buf[o++] = '\\';
		buf[o++] = 'x';
		buf[o++] = hex[ch >> 4];
		buf[o++] = hex[ch & 15];
	}
	if (i < n) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

static const char *
ev_text(const struct cfgp *p)
{
	return (const char *)p->ev.data.scalar.value;
}

/* The current scalar, escaped for a message. */
static const char *
ev_esc(const struct cfgp *p, char *buf, size_t len)
{
	return esc(buf, len, ev_text(p), p->ev.data.scalar.length);
}

/* Reader errors carry a byte offset, not a mark: make one. */
static yaml_mark_t
mark_of_offset(const struct cfgp *p, size_t off)
{
	yaml_mark_t m = { off, 0, 0 };
	size_t i;

	for (i = 0; i < off && i < p->len; i++) {
		if (p->buf[i] == '\n') {
			m.line++;
			m.column = 0;
		} else if (((unsigned char)p->buf[i] & 0xc0) != 0x80) {
			m.column++;
		}
	}
	return m;
}

static int
yaml_error(struct cfgp *p)
{
	yaml_parser_t *y = &p->yp;

	switch (y->error) {
	case YAML_MEMORY_ERROR:
		return tok_fail(p->e, TOK_UNUSABLE, "%s: out of memory",
		    p->name);
	case YAML_READER_ERROR:
		return fail_at(p, mark_of_offset(p, y->problem_offset), "%s",
		    y->problem);
	default:
		if (y->context != NULL)
			return fail_at(p, y->problem_mark, "%s %s (line %zu, "
			    "column %zu)", y->problem, y->context,
			    y->context_mark.line + 1,
			    y->context_mark.column + 1);
		return fail_at(p, y->problem_mark, "%s",
		    y->problem != NULL ? y->problem : "YAML error");
	}
}

/* The limits that hold whatever the schema: checked on every event. */
static int
check_event(struct cfgp *p)
{
	yaml_event_t *ev = &p->ev;
	yaml_char_t *anchor = NULL, *tag = NULL;

	if (++p->nevents > CONFIG_MAX_EVENTS)
		return fail_at(p, ev->start_mark, "more than %d YAML events",
		    CONFIG_MAX_EVENTS);
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return fail_at(p, ev->start_mark,
		    "anchors and aliases are not allowed");
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		if (ev->data.scalar.length > CONFIG_MAX_SCALAR)
			return fail_at(p, ev->start_mark, "scalar longer than "
			    "%d bytes", CONFIG_MAX_SCALAR);
		if (memchr(ev->data.scalar.value, '\0',
		    ev->data.scalar.length) != NULL)
			return fail_at(p, ev->start_mark, "NUL byte in a "
			    "scalar");
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		p->depth++;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		p->depth++;
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		p->depth--;
		break;
	default:
		break;
	}
	if (anchor != NULL)
		return fail_at(p, ev->start_mark,
		    "anchors and aliases are not allowed");
	if (tag != NULL)
		return fail_at(p, ev->start_mark, "tags are not allowed");
	if (p->depth > CONFIG_MAX_DEPTH)
		return fail_at(p, ev->start_mark, "nesting deeper than %d "
		    "levels", CONFIG_MAX_DEPTH);
	return TOK_OK;
}

/* Replaces the current event with the next one. */
static int
next(struct cfgp *p)
{
	int rc;

	if (p->have_ev) {
		yaml_event_delete(&p->ev);
		p->have_ev = 0;
	}
	if (!yaml_parser_parse(&p->yp, &p->ev)) {
		p->broken = 1;
		return yaml_error(p);
	}
	p->have_ev = 1;
	if ((rc = check_event(p)) != TOK_OK)
		p->broken = 1;
	return rc;
}

static const char *
kind(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return "a scalar";
	case YAML_SEQUENCE_START_EVENT:
		return "a sequence";
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	default:
		return "no value";
	}
}

/* An empty value (`key:` alone), ~ or null. */
static int
is_null(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;

	return ev->type == YAML_SCALAR_EVENT &&
	    ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (*s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0);
}

/*
 * The current event opens the node at path: a collection of type want
 * (*empty = 0) or a null that stands for an empty one (*empty = 1).
 */
static int
open_node(struct cfgp *p, yaml_event_type_t want, const char *path,
    int *empty)
{
	*empty = is_null(&p->ev);
	if (p->ev.type == want || *empty)
		return TOK_OK;
	return fail_at(p, p->ev.start_mark, "%s: expected %s, found %s", path,
	    want == YAML_MAPPING_START_EVENT ? "a mapping" : "a sequence",
	    kind(&p->ev));
}

static void
join(char *buf, size_t len, const char *path, const char *name)
{
	snprintf(buf, len, "%s%s%s", path, *path != '\0' ? "." : "", name);
}

/*
 * Reads the next key of the mapping at path: *end = 1 at its end, else
 * the current event is the key, a scalar.
 */
static int
next_key(struct cfgp *p, const char *path, int *end)
{
	int rc;

	if ((rc = next(p)) != TOK_OK)
		return rc;
	*end = p->ev.type == YAML_MAPPING_END_EVENT;
	if (*end || p->ev.type == YAML_SCALAR_EVENT)
		return TOK_OK;
	return fail_at(p, p->ev.start_mark, "%s%skeys must be scalars, "
	    "found %s", path, *path != '\0' ? ": " : "", kind(&p->ev));
}

static int
unknown_key(struct cfgp *p, const char *path)
{
	char q[300];
	char full[sizeof(q) + 64];

	join(full, sizeof(full), path, ev_esc(p, q, sizeof(q)));
	return fail_at(p, p->ev.start_mark, "unknown key \"%s\"", full);
}

/* Strict: digits only, no sign, space or exponent. */
static int
set_int(struct cfgp *p, const struct key *k, const char *path, void *base)
{
	const char *s = ev_text(p);
	int64_t v;
	char q[300];

	if (*s == '\0' || s[strspn(s, "0123456789")] != '\0')
		return fail_at(p, p->ev.start_mark, "%s: \"%s\": not a whole "
		    "number", path, ev_esc(p, q, sizeof(q)));
	if (uint_parse(s, k->max, &v) != 0 || v < k->min)
		return fail_at(p, p->ev.start_mark, "%s: \"%s\": out of range "
		    "(%d..%d)", path, ev_esc(p, q, sizeof(q)), k->min,
		    k->max);
	*(int *)((char *)base + k->off) = (int)v;
	return TOK_OK;
}

static int
set_choice(struct cfgp *p, const struct key *k, const char *path,
    void *base)
{
	const struct choice *c;
	char list[256] = "", q[300];
	size_t n = 0;

	for (c = k->choices; c->name != NULL; c++) {
		if (strcmp(ev_text(p), c->name) == 0) {
			*(int *)((char *)base + k->off) = c->value;
			return TOK_OK;
		}
		if (n < sizeof(list))
			n += (size_t)snprintf(list + n, sizeof(list) - n,
			    "%s%s", n > 0 ? " | " : "", c->name);
	}
	return fail_at(p, p->ev.start_mark, "%s: \"%s\": not one of %s", path,
	    ev_esc(p, q, sizeof(q)), list);
}

static int
name_ok(const char *s)
{
	struct tok_err ignored;

	return worker_valid(s, &ignored) == TOK_OK;
}

/* Does the text of the current scalar fit the key's type? NULL if so. */
static const char *
string_problem(const struct cfgp *p, const struct key *k)
{
	const char *s = ev_text(p);
	size_t i, n = p->ev.data.scalar.length;

	if (n == 0)
		return "must not be empty";
	switch (k->type) {
	case K_CODE:
		for (i = 0; i < n; i++)
			if (s[i] < 'A' || s[i] > 'Z')
				break;
		return n == 3 && i == 3 ? NULL :
		    "not a currency code (3 letters A-Z)";
	case K_NAME:
		return name_ok(s) ? NULL :
		    "not a name (1-64 characters of A-Za-z0-9._-)";
	case K_AMOUNT:
		for (i = 0; i < n; i++)
			if (s[i] <= ' ' || s[i] > '~')
				return "not an amount";
		return n < k->size ? NULL : "too long for an amount";
	default:
		return n < k->size ? NULL : "too long";
	}
}

static int
set_string(struct cfgp *p, const struct key *k, const char *path,
    void *base)
{
	const char *why = string_problem(p, k);
	char q[300];

	if (why != NULL)
		return fail_at(p, p->ev.start_mark, "%s: \"%s\": %s", path,
		    ev_esc(p, q, sizeof(q)), why);
	memcpy((char *)base + k->off, ev_text(p), p->ev.data.scalar.length + 1);
	return TOK_OK;
}

/* Units of `dec` decimals as a plain decimal without trailing zeros. */
static const char *
fixed_text(int64_t units, int dec, char *buf, size_t len)
{
	size_t n;

	amount_format(units, dec, buf, len);
	if (dec > 0 && strchr(buf, '.') != NULL) {
		n = strlen(buf);
		while (buf[n - 1] == '0')
			buf[--n] = '\0';
		if (buf[n - 1] == '.')
			buf[--n] = '\0';
	}
	return buf;
}

static int
set_fixed(struct cfgp *p, const struct key *k, const char *path,
    void *base)
{
	const struct key text = { .type = K_AMOUNT,
	    .size = CONFIG_AMOUNT_MAX + 1 };
	const char *why = string_problem(p, &text);
	char q[300], lo[32], hi[32];
	struct tok_err ae;
	int64_t v;

	if (why != NULL)
		return fail_at(p, p->ev.start_mark, "%s: \"%s\": %s", path,
		    ev_esc(p, q, sizeof(q)), why);
	if (amount_parse(ev_text(p), k->dec, 1, &v, &ae) != TOK_OK)
		return fail_at(p, p->ev.start_mark, "%s: %s", path, ae.msg);
	if (v < k->min || v > k->max)
		return fail_at(p, p->ev.start_mark, "%s: \"%s\": out of range "
		    "(%s..%s)", path, ev_esc(p, q, sizeof(q)),
		    fixed_text(k->min, k->dec, lo, sizeof(lo)),
		    fixed_text(k->max, k->dec, hi, sizeof(hi)));
	*(int64_t *)((char *)base + k->off) = v;
	return TOK_OK;
}

static int
set_date(struct cfgp *p, const struct key *k, const char *path, void *base)
{
	struct tok_err de;
	int64_t days;
	char q[300];

	if (date_parse(ev_text(p), &days, &de) != TOK_OK)
		return fail_at(p, p->ev.start_mark, "%s: \"%s\": not a date "
		    "(YYYY-MM-DD)", path, ev_esc(p, q, sizeof(q)));
	if (days < 0)
		return fail_at(p, p->ev.start_mark, "%s: \"%s\": before "
		    "1970-01-01", path, ev_esc(p, q, sizeof(q)));
	*(int64_t *)((char *)base + k->off) = days;
	return TOK_OK;
}

/* Text as libyaml gives it is valid UTF-8 without NUL (check_event);
 * control characters, C0 and C1, are refused as a terminal acts on them. */
static int
set_text(struct cfgp *p, const struct key *k, const char *path, void *base)
{
	const unsigned char *s = (const unsigned char *)ev_text(p);
	size_t i, n = p->ev.data.scalar.length;
	char q[300];

	if (n >= k->size)
		return fail_at(p, p->ev.start_mark, "%s: longer than %zu bytes",
		    path, k->size - 1);
	for (i = 0; i < n; i++)
		if (s[i] < ' ' || s[i] == 0x7f ||
		    (s[i] == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 &&
		    s[i + 1] <= 0x9f))
			return fail_at(p, p->ev.start_mark, "%s: \"%s\": "
			    "control character at byte %zu", path,
			    ev_esc(p, q, sizeof(q)), i + 1);
	memcpy((char *)base + k->off, s, n + 1);
	return TOK_OK;
}

/* The current event is the value of key k. */
static int
set_value(struct cfgp *p, const struct key *k, const char *path, void *base)
{
	if (p->ev.type != YAML_SCALAR_EVENT)
		return fail_at(p, p->ev.start_mark, "%s: expected a scalar, "
		    "found %s", path, kind(&p->ev));
	switch (k->type) {
	case K_INT:
		return set_int(p, k, path, base);
	case K_CHOICE:
		return set_choice(p, k, path, base);
	case K_FIXED:
		return set_fixed(p, k, path, base);
	case K_DATE:
		return set_date(p, k, path, base);
	case K_TEXT:
		return set_text(p, k, path, base);
	default:
		return set_string(p, k, path, base);
	}
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
static int
parse_map(struct cfgp *p, const struct key *keys, void *base,
    const char *path, struct seen *s)
{
	const struct key *k;
	char full[128];
	int rc, empty, end, i;

	memset(s, 0, sizeof(*s));
	s->start = p->ev.start_mark;
	if ((rc = open_node(p, YAML_MAPPING_START_EVENT, path, &empty)) ||
	    empty)
		return rc;
	while ((rc = next_key(p, path, &end)) == TOK_OK && !end) {
		if ((k = find_key(keys, ev_text(p))) == NULL)
			return unknown_key(p, path);
		join(full, sizeof(full), path, k->name);
		i = (int)(k - keys);
		if (s->keys & 1u << i)
			return fail_at(p, p->ev.start_mark, "duplicate key "
			    "\"%s\"", full);
		s->keys |= 1u << i;
		s->key[i] = p->ev.start_mark;
		if ((rc = next(p)) != TOK_OK)
			return rc;
		s->mark[i] = p->ev.start_mark;
		if ((rc = set_value(p, k, full, base)) != TOK_OK)
			return rc;
	}
	return rc;
}

static int
parse_section(struct cfgp *p, const struct section *sec)
{
	struct seen s;

	return parse_map(p, sec->keys, &p->cfg, sec->name, &s);
}

static int
parse_tier(struct cfgp *p, int i)
{
	struct tok_tier *t = &p->cfg.tiers[i];
	struct seen s;
	char path[32];
	int rc, j;

	snprintf(path, sizeof(path), "tiers[%d]", i);
	if (p->ev.type != YAML_MAPPING_START_EVENT)
		return fail_at(p, p->ev.start_mark, "%s: expected a mapping, "
		    "found %s", path, kind(&p->ev));
	t->multiplier_bp = 10000;
	if ((rc = parse_map(p, tier_keys, t, path, &s)) != TOK_OK)
		return rc;
	for (j = 0; tier_keys[j].name != NULL; j++)
		if (TIER_REQUIRED & 1u << j && !(s.keys & 1u << j))
			return fail_at(p, s.start, "%s: missing \"%s\"", path,
			    tier_keys[j].name);
	for (j = 0; j < i; j++)
		if (strcmp(p->cfg.tiers[j].name, t->name) == 0)
			return fail_at(p, s.mark[TIER_NAME], "%s.name: "
			    "\"%s\": the same name as tiers[%d]", path,
			    t->name, j);
	p->tier_mark[i] = s.mark[TIER_MIN];
	return TOK_OK;
}

static int
parse_tiers(struct cfgp *p, const struct section *sec)
{
	int rc, empty;

	if ((rc = open_node(p, YAML_SEQUENCE_START_EVENT, sec->name,
	    &empty)) || empty)
		return rc;
	p->cfg.ntiers = 0;     /* the file's tiers replace any loaded over */
	for (;;) {
		if ((rc = next(p)) != TOK_OK)
			return rc;
		if (p->ev.type == YAML_SEQUENCE_END_EVENT)
			return TOK_OK;
		if (p->cfg.ntiers == TOK_MAX_TIERS)
			return fail_at(p, p->ev.start_mark, "tiers: more "
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
		return fail_at(p, p->ev.start_mark, "%s: expected a mapping, "
		    "found %s", path, kind(&p->ev));
	memset(pe, 0, sizeof(*pe));
	pe->effective = -1;
	if ((rc = parse_map(p, price_keys, pe, path, &s)) != TOK_OK)
		return rc;
	for (j = 0; price_keys[j].name != NULL; j++)
		if (PRICE_REQUIRED & 1u << j && !(s.keys & 1u << j))
			return fail_at(p, s.start, "%s: missing \"%s\"", path,
			    price_keys[j].name);
	if ((bad = s.keys & ~price_kind_keys[pe->kind]) != 0) {
		j = __builtin_ctz(bad);
		return fail_at(p, s.key[j], "%s.%s: not allowed with kind %s "
		    "(only with %s)", path, price_keys[j].name,
		    price_kinds[pe->kind].name, j == PRICE_MIN_TIER ?
		    "service" : "task");
	}
	if (amount_parse(pe->price_text, TOK_PRICE_DECIMALS, 0, &pe->price,
	    &ae) != TOK_OK)
		return fail_at(p, s.mark[PRICE_PRICE], "%s.price: %s", path,
		    ae.msg);
	if (pe->kind == PRICE_EXCHANGE && s.keys & 1u << PRICE_PER &&
	    strcmp(pe->per, "token") != 0)
		return fail_at(p, s.mark[PRICE_PER], "%s.per: \"%s\": an "
		    "exchange rate is per \"token\"", path, pe->per);
	if (!(s.keys & 1u << PRICE_PER))
		strcpy(pe->per, pe->kind == PRICE_EXCHANGE ? "token" : "unit");
	for (j = 0; j < i; j++) {
		o = &p->cfg.prices[j];
		if (o->kind == pe->kind && o->effective == pe->effective &&
		    strcmp(o->name, pe->name) == 0)
			return fail_at(p, s.start, "%s: the same kind, name "
			    "and effective date as prices[%d] (line %d)",
			    path, j, o->line);
	}
	pe->line = (int)s.start.line + 1;   /* the file is at most 1 MiB */
	p->price_mark[i].name = s.mark[PRICE_NAME];
	p->price_mark[i].min_tier = s.mark[PRICE_MIN_TIER];
	return TOK_OK;
}

static int
parse_prices(struct cfgp *p, const struct section *sec)
{
	int rc, empty;

	if ((rc = open_node(p, YAML_SEQUENCE_START_EVENT, sec->name,
	    &empty)) || empty)
		return rc;
	for (;;) {
		if ((rc = next(p)) != TOK_OK)
			return rc;
		if (p->ev.type == YAML_SEQUENCE_END_EVENT)
			return TOK_OK;
		if (p->cfg.nprices == TOK_MAX_PRICES)
			return fail_at(p, p->ev.start_mark, "prices: more "
			    "than %d entries", TOK_MAX_PRICES);
		if ((rc = grow_prices(p)) != TOK_OK ||
		    (rc = parse_price(p, p->cfg.nprices)) != TOK_OK)
			return rc;
		p->cfg.nprices++;
	}
}

/* Checks against currency: and tiers:, which may come after prices:. */
static int
check_prices(struct cfgp *p)
{
	const struct tok_price_entry *pe;
	int i, j;

	for (i = 0; i < p->cfg.nprices; i++) {
		pe = &p->cfg.prices[i];
		if (pe->kind == PRICE_EXCHANGE &&
		    strcmp(pe->name, p->cfg.currency) != 0)
			return fail_at(p, p->price_mark[i].name,
			    "prices[%d].name: \"%s\": an exchange rate is "
			    "named by the currency, currency.code \"%s\"", i,
			    pe->name, p->cfg.currency);
		if (pe->min_tier[0] == '\0')
			continue;
		for (j = 0; j < p->cfg.ntiers; j++)
			if (strcmp(p->cfg.tiers[j].name, pe->min_tier) == 0)
				break;
		if (j == p->cfg.ntiers)
			return fail_at(p, p->price_mark[i].min_tier,
			    "prices[%d].min_tier: \"%s\": not a tier of "
			    "tiers", i, pe->min_tier);
	}
	return TOK_OK;
}

/* Tier amounts need token.decimals, which may come after tiers:. */
static int
check_tiers(struct cfgp *p)
{
	struct tok_tier *t = p->cfg.tiers;
	struct tok_err ae;
	int i;

	for (i = 0; i < p->cfg.ntiers; i++) {
		if (amount_parse(t[i].min_earned_text, p->cfg.token_decimals,
		    1, &t[i].min_earned, &ae) != TOK_OK)
			return fail_at(p, p->tier_mark[i],
			    "tiers[%d].min_earned: %s", i, ae.msg);
		if (i > 0 && t[i].min_earned <= t[i - 1].min_earned)
			return fail_at(p, p->tier_mark[i],
			    "tiers[%d].min_earned: \"%s\": must be more "
			    "than tiers[%d].min_earned \"%s\"", i,
			    t[i].min_earned_text, i - 1,
			    t[i - 1].min_earned_text);
	}
	return TOK_OK;
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

	while ((rc = next_key(p, "", &end)) == TOK_OK && !end) {
		if ((sec = find_section(ev_text(p))) == NULL)
			return unknown_key(p, "");
		if (seen & 1u << (sec - sections))
			return fail_at(p, p->ev.start_mark, "duplicate key "
			    "\"%s\"", sec->name);
		seen |= 1u << (sec - sections);
		if ((rc = next(p)) != TOK_OK ||
		    (rc = sec->parse(p, sec)) != TOK_OK)
			return rc;
	}
	return rc;
}

static int
expect(struct cfgp *p, yaml_event_type_t type)
{
	int rc;

	if ((rc = next(p)) != TOK_OK)
		return rc;
	if (p->ev.type == type)
		return TOK_OK;
	if (p->ev.type == YAML_DOCUMENT_START_EVENT)
		return fail_at(p, p->ev.start_mark, "more than one YAML "
		    "document");
	return fail_at(p, p->ev.start_mark, "unexpected YAML event");
}

static int
parse_stream(struct cfgp *p)
{
	int rc;

	if ((rc = expect(p, YAML_STREAM_START_EVENT)) != TOK_OK ||
	    (rc = next(p)) != TOK_OK)
		return rc;
	if (p->ev.type == YAML_STREAM_END_EVENT)
		return TOK_OK;   /* empty, or only comments */
	if ((rc = next(p)) != TOK_OK)
		return rc;
	if (p->ev.type == YAML_MAPPING_START_EVENT)
		rc = parse_top(p);
	else if (!is_null(&p->ev))
		rc = fail_at(p, p->ev.start_mark, "expected a mapping at the "
		    "top level, found %s", kind(&p->ev));
	if (rc != TOK_OK ||
	    (rc = expect(p, YAML_DOCUMENT_END_EVENT)) != TOK_OK ||
	    (rc = expect(p, YAML_STREAM_END_EVENT)) != TOK_OK ||
	    (rc = check_tiers(p)) != TOK_OK)
		return rc;
	return check_prices(p);
}

/*
 * After a schema error, reads on to the end: a YAML error or a limit
 * met anywhere in the file replaces it, so that hostile input is always
 * named as such.
 */
static void
drain(struct cfgp *p)
{
	while (!p->broken && p->ev.type != YAML_STREAM_END_EVENT)
		if (next(p) != TOK_OK)
			break;
}

/* Loads buf over `base` (the defaults when NULL); on failure c is left
 * as it was. */
static int
load_buffer(const char *buf, size_t len, const char *name,
    const struct tok_config *base, struct tok_config *c, struct tok_err *e)
{
	struct cfgp p;
	int rc;

	if (len > CONFIG_MAX_BYTES)
		return too_big(name, e);
	memset(&p, 0, sizeof(p));
	p.name = name;
	p.buf = buf;
	p.len = len;
	p.e = e;
	if (base != NULL) {
		p.cfg = *base;
		p.cfg.prices = NULL;   /* the file's own, not base's */
		p.cfg.nprices = 0;
	} else
		config_defaults(&p.cfg);
	if ((size_t)snprintf(p.cfg.path, sizeof(p.cfg.path), "%s", name) >=
	    sizeof(p.cfg.path))
		return tok_fail(e, TOK_UNUSABLE, "%.64s...: path too long",
		    name);
	if (!yaml_parser_initialize(&p.yp))
		return tok_fail(e, TOK_UNUSABLE, "%s: out of memory", name);
	yaml_parser_set_input_string(&p.yp, (const unsigned char *)buf, len);
	if ((rc = parse_stream(&p)) != TOK_OK) {
		drain(&p);
		rc = e->status;
		config_free(&p.cfg);
	} else {
		*c = p.cfg;   /* c takes over cfg.prices */
	}
	free(p.price_mark);
	if (p.have_ev)
		yaml_event_delete(&p.ev);
	yaml_parser_delete(&p.yp);
	return rc;
}

int
config_load_buffer(const char *buf, size_t len, const char *name,
    struct tok_config *c, struct tok_err *e)
{
	return load_buffer(buf, len, name, NULL, c, e);
}

/* Reads fd to its end into *buf (malloc'd, caller frees). */
static int
read_all(int fd, const char *path, char **buf, size_t *len,
    struct tok_err *e)
{
	size_t cap = 0;
	ssize_t n;
	char *p;

	for (;;) {
		if (*len == cap) {
			cap = cap == 0 ? 8192 : cap * 2;
			if (cap > CONFIG_MAX_BYTES + 1)
				cap = CONFIG_MAX_BYTES + 1;
			if ((p = realloc(*buf, cap)) == NULL)
				return tok_fail(e, TOK_UNUSABLE, "%s: out of "
				    "memory", path);
			*buf = p;
		}
		if ((n = read(fd, *buf + *len, cap - *len)) == 0)
			return TOK_OK;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return tok_fail(e, TOK_UNUSABLE, "%s: %s", path,
			    strerror(errno));
		if ((*len += (size_t)n) > CONFIG_MAX_BYTES)
			return too_big(path, e);
	}
}

/* Refuses what is not to be read as a config, before reading it. */
static int
check_file(int fd, const char *path, struct tok_err *e)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return tok_fail(e, TOK_UNUSABLE, "%s: %s", path,
		    strerror(errno));
	if (S_ISDIR(st.st_mode))
		return tok_fail(e, TOK_UNUSABLE, "%s: %s", path,
		    strerror(EISDIR));
	if (st.st_mode & S_IWOTH)
		return tok_fail(e, TOK_UNUSABLE, "%s: world-writable; "
		    "refusing it (chmod o-w)", path);
	if (S_ISREG(st.st_mode) && st.st_size > CONFIG_MAX_BYTES)
		return too_big(path, e);
	return TOK_OK;
}

/*
 * Reads the file at path into *buf (malloc'd, caller frees).  With
 * optional set, a missing file is not an error: *buf stays NULL.
 */
static int
read_config(const char *path, int optional, char **buf, size_t *len,
    struct tok_err *e)
{
	int fd, rc;

	*buf = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		if (optional && (errno == ENOENT || errno == ENOTDIR))
			return TOK_OK;
		return tok_fail(e, TOK_UNUSABLE, "%s: %s", path,
		    strerror(errno));
	}
	if ((rc = check_file(fd, path, e)) == TOK_OK)
		rc = read_all(fd, path, buf, len, e);
	close(fd);
	if (rc != TOK_OK) {
		free(*buf);
		*buf = NULL;
	}
	return rc;
}

/* Loads path; *found = 0 when optional and the file does not exist. */
static int
load_path(const char *path, int optional, int *found,
    const struct tok_config *base, struct tok_config *c, struct tok_err *e)
{
	char *buf;
	size_t len;
	int rc;

	*found = 0;
	if ((rc = read_config(path, optional, &buf, &len, e)) != TOK_OK)
		return rc;
	if (buf == NULL && optional)
		return TOK_OK;
	*found = 1;
	rc = load_buffer(buf != NULL ? buf : "", len, path, base, c, e);
	free(buf);
	return rc;
}

int
config_load_file(const char *path, struct tok_config *c, struct tok_err *e)
{
	int found;

	return load_path(path, 0, &found, NULL, c, e);
}

int
config_load_over(const char *path, const struct tok_config *base,
    struct tok_config *c, struct tok_err *e)
{
	int found;

	return load_path(path, 0, &found, base, c, e);
}

/* Tries one candidate of the lookup; *found tells whether it was there. */
static int
try_candidate(const char *dir, const char *rest, int *found,
    struct tok_config *c, struct tok_err *e)
{
	char path[sizeof(c->path)];

	*found = 0;
	if (dir == NULL || dir[0] != '/')
		return TOK_OK;   /* unset, empty or relative: skipped */
	if ((size_t)snprintf(path, sizeof(path), "%s%s", dir, rest) >=
	    sizeof(path))
		return tok_fail(e, TOK_UNUSABLE, "%.64s...: path too long",
		    dir);
	return load_path(path, 1, found, NULL, c, e);
}

int
config_load(const char *path, struct tok_config *c, struct tok_err *e)
{
	const char *env = getenv("TOK_CONFIG"), *xdg;
	int rc, found;

	if (path != NULL)
		return config_load_file(path, c, e);
	if (env != NULL && *env != '\0')
		return config_load_file(env, c, e);
	xdg = getenv("XDG_CONFIG_HOME");
	if (xdg != NULL && xdg[0] == '/')
		rc = try_candidate(xdg, "/tok/tok.yaml", &found, c, e);
	else
		rc = try_candidate(getenv("HOME"), "/.config/tok/tok.yaml",
		    &found, c, e);
	if (rc != TOK_OK || found)
		return rc;
	rc = try_candidate("/etc", "/tok/tok.yaml", &found, c, e);
	if (rc != TOK_OK || found)
		return rc;
	config_defaults(c);
	return TOK_OK;
}
