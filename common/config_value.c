/* config_value.c - a scalar of tok.yaml checked against the type of its
 * key and stored */
#include <string.h>

#include "config_priv.h"

/* Enum fields are stored through an int. */
_Static_assert(sizeof(enum tok_above_cap) == sizeof(int), "enum size");
_Static_assert(sizeof(enum tok_vote_method) == sizeof(int), "enum size");
_Static_assert(sizeof(enum tok_price_kind) == sizeof(int), "enum size");

/* Strict: digits only, no sign, space or exponent. */
static int
set_int(struct cfgp *p, const struct key *k, const char *path, void *base)
{
	const char *s = cfg_ev_text(p);
	int64_t v;
	char q[300];

	if (*s == '\0' || s[strspn(s, "0123456789")] != '\0')
		return cfg_fail_at(p, p->ev.start_mark, "%s: \"%s\": not a "
		    "whole number", path, cfg_ev_esc(p, q, sizeof(q)));
	if (uint_parse(s, k->max, &v) != 0 || v < k->min)
		return cfg_fail_at(p, p->ev.start_mark, "%s: \"%s\": out of "
		    "range (%d..%d)", path, cfg_ev_esc(p, q, sizeof(q)),
		    k->min, k->max);
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
		if (strcmp(cfg_ev_text(p), c->name) == 0) {
			*(int *)((char *)base + k->off) = c->value;
			return TOK_OK;
		}
		if (n < sizeof(list))
			n += (size_t)snprintf(list + n, sizeof(list) - n,
			    "%s%s", n > 0 ? " | " : "", c->name);
	}
	return cfg_fail_at(p, p->ev.start_mark, "%s: \"%s\": not one of %s",
	    path, cfg_ev_esc(p, q, sizeof(q)), list);
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
	const char *s = cfg_ev_text(p);
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
		return cfg_fail_at(p, p->ev.start_mark, "%s: \"%s\": %s", path,
		    cfg_ev_esc(p, q, sizeof(q)), why);
	memcpy((char *)base + k->off, cfg_ev_text(p),
	    p->ev.data.scalar.length + 1);
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
		return cfg_fail_at(p, p->ev.start_mark, "%s: \"%s\": %s", path,
		    cfg_ev_esc(p, q, sizeof(q)), why);
	if (amount_parse(cfg_ev_text(p), k->dec, 1, &v, &ae) != TOK_OK)
		return cfg_fail_at(p, p->ev.start_mark, "%s: %s", path, ae.msg);
	if (v < k->min || v > k->max)
		return cfg_fail_at(p, p->ev.start_mark, "%s: \"%s\": out of "
		    "range (%s..%s)", path, cfg_ev_esc(p, q, sizeof(q)),
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

	if (date_parse(cfg_ev_text(p), &days, &de) != TOK_OK)
		return cfg_fail_at(p, p->ev.start_mark, "%s: \"%s\": not a "
		    "date (YYYY-MM-DD)", path, cfg_ev_esc(p, q, sizeof(q)));
	if (days < 0)
		return cfg_fail_at(p, p->ev.start_mark, "%s: \"%s\": before "
		    "1970-01-01", path, cfg_ev_esc(p, q, sizeof(q)));
	*(int64_t *)((char *)base + k->off) = days;
	return TOK_OK;
}

/* Text as libyaml gives it is valid UTF-8 without NUL (check_event);
 * control characters, C0 and C1, are refused as a terminal acts on them. */
static int
set_text(struct cfgp *p, const struct key *k, const char *path, void *base)
{
	const unsigned char *s = (const unsigned char *)cfg_ev_text(p);
	size_t i, n = p->ev.data.scalar.length;
	char q[300];

	if (n >= k->size)
		return cfg_fail_at(p, p->ev.start_mark, "%s: longer than %zu "
		    "bytes", path, k->size - 1);
	for (i = 0; i < n; i++)
		if (s[i] < ' ' || s[i] == 0x7f ||
		    (s[i] == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 &&
		    s[i + 1] <= 0x9f))
			return cfg_fail_at(p, p->ev.start_mark, "%s: \"%s\": "
			    "control character at byte %zu", path,
			    cfg_ev_esc(p, q, sizeof(q)), i + 1);
	memcpy((char *)base + k->off, s, n + 1);
	return TOK_OK;
}

/* The current event is the value of key k. */
int
cfg_set_value(struct cfgp *p, const struct key *k, const char *path, void *base)
{
	if (p->ev.type != YAML_SCALAR_EVENT)
		return cfg_fail_at(p, p->ev.start_mark, "%s: expected a "
		    "scalar, found %s", path, cfg_kind(&p->ev));
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
