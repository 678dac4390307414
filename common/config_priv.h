/* config_priv.h - what the parts of the tok.yaml loader share, for
 * common/config*.c only */
#ifndef TOK_CONFIG_PRIV_H
#define TOK_CONFIG_PRIV_H

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

/* What cfg_parse_map saw: which keys, and where (the key, its value). */
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

/* Ends a table of keys. */
#define END { .name = NULL }

/*
 * config_yaml.c - the bounded event reader.  A function that fails
 * returns TOK_UNUSABLE with p->e holding "name:line:column: message".
 */
int cfg_fail_at(struct cfgp *p, yaml_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *cfg_ev_text(const struct cfgp *p);
const char *cfg_ev_esc(const struct cfgp *p, char *buf, size_t len);
int cfg_next(struct cfgp *p);
const char *cfg_kind(const yaml_event_t *ev);
int cfg_is_null(const yaml_event_t *ev);
int cfg_open_node(struct cfgp *p, yaml_event_type_t want, const char *path,
    int *empty);
int cfg_next_key(struct cfgp *p, const char *path, int *end);
void cfg_drain(struct cfgp *p);

/* config_value.c - the current event as the value of key k, into base. */
int cfg_set_value(struct cfgp *p, const struct key *k, const char *path,
    void *base);

/* config_schema.c */
int cfg_parse_map(struct cfgp *p, const struct key *keys, void *base,
    const char *path, struct seen *s);
/* The whole stream, p->yp set up; then the checks at the end of the file. */
int cfg_parse_stream(struct cfgp *p);

/* config_lists.c - tiers: and prices:, and their checks at the end */
int cfg_parse_tiers(struct cfgp *p, const struct section *sec);
int cfg_parse_prices(struct cfgp *p, const struct section *sec);
int cfg_check_tiers(struct cfgp *p);
int cfg_check_prices(struct cfgp *p);

#endif
