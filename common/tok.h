/*
 * tok.h - the public interface of libtok, the library all tok tools link.
 *
 * The library never prints and never exits: a function that can fail
 * returns an exit status (enum tok_status) and fills a struct tok_err
 * with a message; the binary decides what to print.  Prototypes are
 * grouped by the file that defines them.
 */
#ifndef TOK_H
#define TOK_H

#include <stdint.h>
#include <stdio.h>
#include <stddef.h>

/* Exit statuses shared by all five tools (DESIGN.md section 9). */
enum tok_status {
	TOK_OK = 0,
	TOK_REFUSED = 1,   /* refusal the operator can act on */
	TOK_USAGE = 2,     /* bad command line */
	TOK_DATAERR = 3,   /* bad input data */
	TOK_UNUSABLE = 4,  /* ledger or config unusable */
	TOK_VERIFY = 5,    /* verification failed */
};

/* err.c */
struct tok_err {
	int status;        /* enum tok_status */
	char msg[1024];
};
/* Fills e and returns status, so callers can write: return tok_fail(e, ...). */
int tok_fail(struct tok_err *e, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prepends "prefix: " to the message already in e; returns e->status. */
int tok_err_prefix(struct tok_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends to the message already in e; returns e->status. */
int tok_err_suffix(struct tok_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* amount.c - fixed-point amounts held as int64 units */
#define TOK_MAX_DECIMALS 8
/*
 * Parses a plain decimal ("12", "12.5", "0.05") into units with at most
 * `decimals` fraction digits.  Refuses signs, exponents, commas, spaces,
 * more fraction digits than allowed and values past INT64_MAX.  When
 * allow_zero is false, zero is refused too.  The message quotes the input.
 */
int amount_parse(const char *s, int decimals, int allow_zero, int64_t *out,
    struct tok_err *e);
/* amount_parse for other numbers: `what` names it in messages. */
int number_parse(const char *what, const char *s, int decimals,
    int allow_zero, int64_t *out, struct tok_err *e);
/* Writes units as a decimal with exactly `decimals` digits; buf >= 32. */
char *amount_format(int64_t units, int decimals, char *buf, size_t len);
/* The largest r with r * r <= v (0 for v < 0): quadratic voting weight. */
int64_t isqrt64(int64_t v);
/* Parses the ledger-independent integer in s (no sign) into *out; 0 or -1. */
int uint_parse(const char *s, int64_t max, int64_t *out);

/* date.c - ISO 8601 dates and UTC timestamps */
/* "YYYY-MM-DD" -> days since 1970-01-01; validates the calendar. */
int date_parse(const char *s, int64_t *days, struct tok_err *e);
/* "YYYY-MM-DDTHH:MM:SSZ" (or a date alone, meaning 00:00:00) -> epoch s. */
int timestamp_parse(const char *s, int64_t *epoch, struct tok_err *e);
char *date_format(int64_t days, char *buf, size_t len);          /* >= 11 */
char *timestamp_format(int64_t epoch, char *buf, size_t len);    /* >= 21 */
/* The clock: $TOK_NOW when set, else the system time (UTC). */
int tok_now(int64_t *epoch, struct tok_err *e);

/* names.c - worker names, refs, memos */
#define TOK_NAME_MAX 64
#define TOK_REF_MAX 128
#define TOK_MEMO_MAX 1024
/* 1-64 characters of A-Za-z0-9._-; `what` names it in the message. */
int name_valid(const char *what, const char *name, struct tok_err *e);
int worker_valid(const char *name, struct tok_err *e);
/* 1-128 printable ASCII characters, no space; "auto:" is reserved. */
int ref_valid(const char *ref, struct tok_err *e);
/* One line of text for terminals: valid UTF-8 of at most max bytes, no
 * control characters. */
int text_valid(const char *what, const char *s, size_t max,
    struct tok_err *e);
/* Valid UTF-8, no NUL, at most TOK_MEMO_MAX bytes. */
int memo_valid(const char *memo, struct tok_err *e);
/* Returns 1 when s is valid UTF-8 of len bytes; else 0 and *bad = offset. */
int utf8_valid(const char *s, size_t len, size_t *bad);
/* The length of the valid UTF-8 character at p (at most avail bytes), or 0. */
size_t utf8_char_len(const char *p, size_t avail);

/* config.c - tok.yaml (see tok.yaml(5)) */
enum tok_above_cap { ABOVE_CAP_REFUSE, ABOVE_CAP_VOTE };
enum tok_vote_method { VOTE_TOKEN, VOTE_MEMBER, VOTE_QUADRATIC };
#define TOK_MAX_TIERS 16
struct tok_tier {
	char name[TOK_NAME_MAX + 1];
	int64_t min_earned;        /* units of the ledger's decimals */
	char min_earned_text[32];  /* as written, re-parsed once decimals known */
	int64_t multiplier_bp;     /* earn multiplier in 1/10000: 1..1000000,
	                              default 10000 (= 1) */
};
/* The initial price book (prices:), read by tok-price import. */
#define TOK_PRICE_DECIMALS 8       /* of tok_price_entry.price */
#define TOK_MAX_PRICES 1000
#define TOK_REASON_MAX 256
enum tok_price_kind { PRICE_TASK, PRICE_SERVICE, PRICE_EXCHANGE };
struct tok_price_entry {
	enum tok_price_kind kind;
	char name[TOK_NAME_MAX + 1];   /* worker-name rules; exchange: the
	                                  currency code, == currency */
	char price_text[32];       /* as written */
	int64_t price;             /* > 0, units of 10^-TOK_PRICE_DECIMALS */
	char per[TOK_NAME_MAX + 1];    /* default "unit"; exchange: "token" */
	int unit_decimals;         /* 0..4; 0 unless a task */
	char min_tier[TOK_NAME_MAX + 1];  /* a tier's name, "" for none;
	                                     service only */
	int64_t effective;         /* days since 1970-01-01, -1 for none */
	char reason[TOK_REASON_MAX + 1];  /* UTF-8, "" for none */
	int line;                  /* of the entry in the file, from 1 */
};
struct tok_config {
	char path[4096];           /* file read, "" for built-in defaults */
	char currency[4];          /* ISO 4217 code, default "EUR" */
	int currency_decimals;     /* minor units, default 2 */
	int token_decimals;        /* for new ledgers, default 2 */
	char hmac_key_file[4096];  /* "" when the chain is plain SHA-256 */
	int ntiers;
	struct tok_tier tiers[TOK_MAX_TIERS];
	struct {
		int notice_days;           /* default 30 */
		int max_increase_pct;      /* default 10 */
		int window_days;           /* default 90 */
		enum tok_above_cap above_cap;  /* default vote */
		int decreases_immediate;   /* default 1 */
	} pricing;
	struct {
		enum tok_vote_method method;   /* default token */
		int quorum_pct;                /* default 20 */
		int threshold_pct;             /* default 50 */
		int days;                      /* default 7 */
		int max_voter_share_pct;       /* default 0 = no cap */
	} governance;
	struct {
		int after_days;            /* default 0 = never */
		int warn_days;             /* default 30 */
	} expiry;
	/* malloc'd, NULL when nprices is 0; release with config_free */
	struct tok_price_entry *prices;
	int nprices;               /* 0..TOK_MAX_PRICES, in file order */
};
/* Fills c with the built-in defaults (no prices). */
void config_defaults(struct tok_config *c);
/* Frees what a load allocated and leaves c holding no prices; safe on
 * defaults and on a config whose load failed. */
void config_free(struct tok_config *c);
/*
 * Finds and loads the config: `path` (from --config) when not NULL, else
 * $TOK_CONFIG, $XDG_CONFIG_HOME/tok/tok.yaml (~/.config/...), /etc/tok/tok.yaml,
 * else the defaults.  Errors name file:line:column; status TOK_UNUSABLE.
 * On failure c is left as it was and nothing is allocated; on success c
 * is overwritten (not freed first: config_free a config before reusing it).
 */
int config_load(const char *path, struct tok_config *c, struct tok_err *e);
/* Loads one named file (used by config_load and the fuzz target). */
int config_load_file(const char *path, struct tok_config *c, struct tok_err *e);
/* Loads a file over `base` instead of the defaults: what the file leaves
 * out (currency, tiers) is base's, and its entries are checked against
 * that.  For books that tok-price imports. */
int config_load_over(const char *path, const struct tok_config *base,
    struct tok_config *c, struct tok_err *e);
/* Loads from memory; `name` is used in messages. */
int config_load_buffer(const char *buf, size_t len, const char *name,
    struct tok_config *c, struct tok_err *e);

/* record.c - TSV records with a header line (DESIGN.md section 5) */
struct rec_reader;
/*
 * Reads a header line and then one record per call.  `name` is used in
 * messages ("-" is shown as "stdin").  Columns are matched by name;
 * `required` columns must be present; columns of the shared vocabulary
 * that the tool does not use are ignored; any other name is refused.
 */
int rec_open(struct rec_reader **r, FILE *f, const char *name,
    const char *const *required, const char *const *optional,
    struct tok_err *e);
/*
 * Reads the next record: returns TOK_OK with *got = 1, or TOK_OK with
 * *got = 0 at end of input, or an error (message "line N: column C ...").
 * After an error in one line, the next call reads the next line, unless
 * the reader is broken.
 */
int rec_next(struct rec_reader *r, int *got, struct tok_err *e);
/*
 * 1 once an error has stopped the reader for good: a line longer than
 * 65536 bytes (not read to its end) or a read error.  What follows cannot
 * be framed into records, and the next rec_next finds the end: the caller
 * must refuse the whole input, not skip the line.
 */
int rec_broken(const struct rec_reader *r);
/* 1 when the header names column `col`. */
int rec_has(const struct rec_reader *r, const char *col);
/* The current record's value of column `col` (unescaped), or NULL. */
const char *rec_get(const struct rec_reader *r, const char *col);
/* The line number of the current record, and its raw text (no newline). */
long rec_line(const struct rec_reader *r);
const char *rec_raw(const struct rec_reader *r);
/* The header line as read (no newline). */
const char *rec_header(const struct rec_reader *r);
void rec_close(struct rec_reader *r);
/* 1 when name is in the shared column vocabulary. */
int column_known(const char *name);
/* Writes s to f with tab, newline, CR and backslash escaped. */
int tsv_escape(FILE *f, const char *s);

/* output.c - table, tsv, csv and json output */
enum out_format { OUT_AUTO, OUT_TABLE, OUT_TSV, OUT_CSV, OUT_JSON };
/* Column flags: numeric columns align right and are JSON numbers. */
#define COL_NUM 1
struct out_col {
	const char *name;
	int flags;
};
struct out;
int out_format_parse(const char *s, enum out_format *f);
/* OUT_AUTO becomes table when fd is a terminal, else tsv. */
enum out_format out_format_resolve(enum out_format f, int fd);
int out_open(struct out **o, FILE *dst, enum out_format f,
    const struct out_col *cols, int ncols, struct tok_err *e);
/* One row: ncols strings (NULL is printed as empty / JSON null). */
int out_row(struct out *o, const char *const *fields, struct tok_err *e);
/* Flushes (renders a table), frees; returns an error if writing failed. */
int out_close(struct out *o, struct tok_err *e);

/* ledger.c - opening, creating and migrating the ledger */
struct ledger;
/* LEDGER_DRY_RUN writes like LEDGER_WRITE, but makes a ledger that does
 * not exist yet in memory, so that a dry run creates no file. */
enum ledger_mode { LEDGER_READ, LEDGER_WRITE, LEDGER_DRY_RUN };
struct ledger_opts {
	const char *path;      /* --db, or NULL for the lookup of section 4 */
	double wait;           /* seconds of busy timeout; < 0 for default */
	const struct tok_config *config;
};
/*
 * LEDGER_WRITE creates the ledger (mode 0600, WAL) when it does not exist;
 * LEDGER_READ refuses a missing ledger.  Refuses a file that is not a tok
 * ledger, a world-writable file, and a schema newer than this build.
 */
int ledger_open(struct ledger **l, enum ledger_mode mode,
    const struct ledger_opts *o, struct tok_err *e);
void ledger_close(struct ledger *l);
const char *ledger_path(const struct ledger *l);
/* This invocation's business date (from TOK_NOW or the clock), in days. */
int64_t ledger_today(const struct ledger *l);
int ledger_decimals(const struct ledger *l);
/* Whether a ledger path is a postgresql:// or postgres:// URL. */
int ledger_is_pg(const char *path);
/* A ledger URL as messages show it: the password of user:password@ and
 * of a password= parameter left out. */
void ledger_url_shown(const char *url, char *out, size_t n);
/* Resolves the ledger path of section 4 into buf. */
int ledger_find(const char *opt, char *buf, size_t len, struct tok_err *e);
/* Write transactions: BEGIN IMMEDIATE ... COMMIT or ROLLBACK. */
int ledger_begin(struct ledger *l, struct tok_err *e);
int ledger_commit(struct ledger *l, struct tok_err *e);
void ledger_rollback(struct ledger *l);
/* Read snapshot for reports. */
int ledger_begin_read(struct ledger *l, struct tok_err *e);

/* txn.c - posting transactions */
#define TOK_MAX_POSTINGS 8
struct posting {
	const char *account;
	int64_t amount;        /* units; credits positive, debits negative */
};
struct txn {
	const char *ref;       /* NULL: an "auto:" ref is generated */
	const char *type;      /* "earn", "buy", ... */
	const char *memo;      /* NULL or "" for none */
	int64_t date;          /* business date in days; < 0: today */
	int date_given;        /* compare date on an existing ref */
	int memo_given;        /* compare memo on an existing ref */
	int64_t reverses;      /* txid this one reverses, 0 for none */
	int npostings;
	struct posting postings[TOK_MAX_POSTINGS];
};
struct txn_result {
	int64_t txid;
	int exists;            /* 1: the ref was already recorded */
	int64_t date;          /* business date recorded */
};
/*
 * Records t inside the caller's write transaction.  The same ref with the
 * same content gives exists = 1 and the original txid; with different
 * content, TOK_REFUSED naming the field that differs.  A ref first made
 * earlier in the same write transaction is refused as a duplicate
 * (TOK_DATAERR).
 */
int txn_post(struct ledger *l, const struct txn *t, struct txn_result *res,
    struct tok_err *e);

/* A recorded transaction, as txn_find() and txn_get() see it: its worker
 * posting is the one outside platform:. */
struct txn_found {
	int64_t txid;
	char ref[TOK_REF_MAX + 1];
	char type[16];
	int64_t date;
	char memo[TOK_MEMO_MAX + 1];
	int64_t reverses;
	char worker[TOK_NAME_MAX + 1];
	int64_t amount;        /* the worker posting, signed */
	int64_t reversed_by;   /* the txid that reverses or resolves it, 0 */
};
/* By ref; *found = 0 when no transaction has it. */
int txn_find(struct ledger *l, const char *ref, struct txn_found *f,
    int *found, struct tok_err *e);
/* By txid; *found = 0 when there is none. */
int txn_get(struct ledger *l, int64_t txid, struct txn_found *f, int *found,
    struct tok_err *e);

/* query.c - reads for reports */
struct balance_row {
	const char *account;
	int64_t amount;
};
/* Calls fn for each worker account (platform accounts excluded) whose
 * balance on business date as_of (< 0: all) is at least min, by name. */
int query_balances(struct ledger *l, int64_t as_of, int64_t min,
    int (*fn)(void *, const struct balance_row *, struct tok_err *),
    void *arg, struct tok_err *e);
/* Balance of one account; TOK_REFUSED when it has no postings. */
int query_balance(struct ledger *l, const char *account, int64_t *amount,
    struct tok_err *e);
struct statement_row {
	int64_t txid;
	int64_t date;
	const char *type;
	const char *ref;
	const char *memo;
	int64_t amount;        /* signed, for this account */
	int64_t balance;       /* running balance after this transaction */
};
/* Rows for account with from <= date <= to (< 0: open); *opening gets the
 * balance before `from`. */
int query_statement(struct ledger *l, const char *account, int64_t from,
    int64_t to, int64_t *opening,
    int (*fn)(void *, const struct statement_row *, struct tok_err *),
    void *arg, struct tok_err *e);
/* Lifetime earnings: what the account was credited by "earn"
 * transactions (before txid `before`, when not 0). */
int query_earned(struct ledger *l, const char *account, int64_t before,
    int64_t *earned, struct tok_err *e);
/* Calls fn for each worker with any earnings, by name. */
int query_earned_all(struct ledger *l,
    int (*fn)(void *, const struct balance_row *, struct tok_err *),
    void *arg, struct tok_err *e);
/* 1 when the account has any posting. */
int query_account_exists(struct ledger *l, const char *account, int *exists,
    struct tok_err *e);

/* price.c - the price book: task rates, service prices, the exchange rate */
#define TOK_REASON_MAX 256
struct price_entry {
	int64_t id;
	enum tok_price_kind kind;
	char name[TOK_NAME_MAX + 1];
	int64_t price;             /* units of 10^-TOK_PRICE_DECIMALS */
	char per[TOK_NAME_MAX + 1];
	int unit_decimals;         /* decimals the units of work may have */
	char min_tier[TOK_NAME_MAX + 1];
	int64_t effective;         /* business date, in days */
	char recorded[32];
	char actor[64];
	char reason[TOK_REASON_MAX + 1];
	char proposal[TOK_REF_MAX + 1];
	int64_t previous;          /* the price this one replaced, 0: none */
};
/* A change asked for; NULL / -1 fields take the entry's current value or
 * the default. */
struct price_request {
	enum tok_price_kind kind;
	const char *name;
	int64_t price;
	const char *per;
	int unit_decimals;
	const char *min_tier;
	int64_t effective;         /* < 0: as soon as the guardrails allow */
	const char *reason;
	const char *proposal;
};
const char *price_kind_name(enum tok_price_kind k);
int price_kind_parse(const char *s, enum tok_price_kind *k, struct tok_err *e);
/* Formats a price with at least min_decimals decimals (more when set). */
char *price_format(int64_t price, int min_decimals, char *buf, size_t len);
/* Refuses what needs no book to refuse: names, kinds, units, tiers,
 * reason, an effective date before today. */
int price_check_request(const struct tok_config *c,
    const struct price_request *r, int64_t today, struct tok_err *e);
/*
 * Records a change under the guardrails of c->pricing, inside the
 * caller's write transaction.  A change equal to the latest one of its
 * name sets *exists and records nothing.  A refusal is TOK_REFUSED with
 * the reason; nothing is written.
 */
int price_set(struct ledger *l, const struct tok_config *c,
    const struct price_request *r, struct price_entry *out, int *exists,
    struct tok_err *e);
/* The entry of name in force on date; TOK_REFUSED when there is none. */
int price_in_force(struct ledger *l, const char *name, int64_t date,
    struct price_entry *p, struct tok_err *e);
/* The first change of name that takes effect after date; *found = 0 when
 * none. */
int price_next(struct ledger *l, const char *name, int64_t date,
    struct price_entry *p, int *found, struct tok_err *e);
typedef int (*price_fn)(void *, const struct price_entry *, struct tok_err *);
/* The book in force on date, by kind and name; kind < 0 for all kinds. */
int price_list(struct ledger *l, int kind, int64_t date, price_fn fn,
    void *arg, struct tok_err *e);
/* Changes that take effect after date, in order of effect. */
int price_upcoming(struct ledger *l, int64_t date, price_fn fn, void *arg,
    struct tok_err *e);
/* Every change of name, in order of effect; TOK_REFUSED when none. */
int price_history(struct ledger *l, const char *name, price_fn fn,
    void *arg, struct tok_err *e);
/*
 * price x units (units with unit_decimals decimals) x multiplier (1/10000)
 * in a currency of `decimals`, rounded down to its smallest unit.
 * TOK_REFUSED when the result does not fit.
 */
int price_cost(int64_t price, int64_t units, int unit_decimals,
    int64_t multiplier_bp, int decimals, int64_t *out, struct tok_err *e);

/* spend.c - purchases, holds, refunds, cash-outs and their settlement,
 * expiry.  Each runs inside the caller's write transaction; a refusal is
 * TOK_REFUSED and writes nothing. */
#define TOK_HOLD_TIMEOUT_DEFAULT (7 * 86400)
struct spend_out {
	int64_t txid;
	int exists;            /* the same request was recorded before */
	char type[16];
	char worker[TOK_NAME_MAX + 1];
	int64_t amount;        /* tokens moved: taken (buy, hold, cashout,
	                          expire), spent (post), or given back */
	char ref[TOK_REF_MAX + 1];
	int64_t date;
	int64_t units;         /* buys and holds */
	int64_t price;
	int64_t payout;        /* cash-outs and settlements */
	int64_t money;         /* in the currency's minor units */
	int64_t rate;          /* money per token, 10^-TOK_PRICE_DECIMALS */
	char memo[TOK_MEMO_MAX + 1];  /* of a request found again */
};
/* ref NULL: an auto: ref.  units are whole. */
int spend_buy(struct ledger *l, const struct tok_config *c,
    const char *worker, const char *service, int64_t units, const char *ref,
    struct spend_out *o, struct tok_err *e);
/* Reserves the cost of units of service until timeout seconds from now. */
int spend_hold(struct ledger *l, const struct tok_config *c,
    const char *worker, const char *service, int64_t units, const char *ref,
    int64_t timeout, struct spend_out *o, struct tok_err *e);
/* Posts amount (< 0: all) of the hold with ref; the rest goes back. */
int spend_post(struct ledger *l, const char *ref, int64_t amount,
    struct spend_out *o, struct tok_err *e);
int spend_void(struct ledger *l, const char *ref, struct spend_out *o,
    struct tok_err *e);
int spend_refund(struct ledger *l, int64_t txid, const char *reason,
    struct spend_out *o, struct tok_err *e);
/* Cashes out amount tokens (< 0: the whole balance) at the exchange rate
 * in force, rounding the money down. */
int spend_cashout(struct ledger *l, const struct tok_config *c,
    const char *worker, int64_t amount, const char *ref, struct spend_out *o,
    struct tok_err *e);
/* Settles a payout: paid, or failed (the tokens go back). */
int spend_settle(struct ledger *l, int64_t payout, int failed,
    const char *provider_ref, struct spend_out *o, struct tok_err *e);
typedef int (*spend_fn)(void *, const struct spend_out *, struct tok_err *);
/* Voids the holds whose timeout passed by `now` (epoch seconds) and, when
 * c->expiry.after_days is set, expires what each worker earned more than
 * that long before business date as_of and has not spent; fn is called
 * for each transaction made. */
int spend_expire(struct ledger *l, const struct tok_config *c, int64_t as_of,
    int64_t now, spend_fn fn, void *arg, struct tok_err *e);
/* What each worker holds that expires by business date `by`, given the
 * balances now; fn gets (worker, amount). */
int spend_expiring(struct ledger *l, const struct tok_config *c, int64_t by,
    int (*fn)(void *, const struct balance_row *, struct tok_err *),
    void *arg, struct tok_err *e);

/* payout.c - the payouts a payment script reads */
struct payout_info {
	int64_t id;
	int64_t txid;
	char worker[TOK_NAME_MAX + 1];
	int64_t tokens;
	int64_t money;         /* minor units of currency */
	char currency[4];
	int64_t rate;
	char status[8];        /* pending, paid, failed */
	int64_t date;          /* of the cash-out */
	char ref[TOK_REF_MAX + 1];
	char provider_ref[TOK_REF_MAX + 1];
};
/* Payouts by id; status NULL for all. */
int payout_list(struct ledger *l, const char *status,
    int (*fn)(void *, const struct payout_info *, struct tok_err *),
    void *arg, struct tok_err *e);

/* vote.c - proposals and the price changes they unlock (DESIGN.md
 * section 8) */
#define TOK_TITLE_MAX TOK_REASON_MAX    /* a title becomes a reason */
#define TOK_ACTION_MAX 256
enum vote_state { VOTE_OPEN, VOTE_PASSED, VOTE_REJECTED, VOTE_NO_QUORUM,
    VOTE_APPLIED };
enum vote_choice { CHOICE_YES, CHOICE_NO, CHOICE_ABSTAIN };
const char *vote_state_name(enum vote_state s);
int vote_state_parse(const char *s, enum vote_state *st, struct tok_err *e);
const char *vote_method_name(enum tok_vote_method m);
int vote_method_parse(const char *s, enum tok_vote_method *m,
    struct tok_err *e);
const char *vote_choice_name(enum vote_choice c);
int vote_choice_parse(const char *s, enum vote_choice *c, struct tok_err *e);
/* A proposal's action: a price change in tok-price set's own syntax,
 * "KIND NAME PRICE [--per UNIT] [--effective DATE]". */
struct vote_action {
	enum tok_price_kind kind;
	char name[TOK_NAME_MAX + 1];
	int64_t price;             /* units of 10^-TOK_PRICE_DECIMALS */
	char per[TOK_NAME_MAX + 1];    /* "" when not named */
	int64_t effective;         /* days; -1 when not named */
};
/* Parses an action; TOK_DATAERR naming what is wrong. */
int vote_action_parse(const char *s, struct vote_action *a,
    struct tok_err *e);
/* The canonical form: the price by price_format at `decimals`, then
 * --per and --effective when named; buf >= TOK_ACTION_MAX + 1. */
char *vote_action_format(const struct vote_action *a, int decimals,
    char *buf, size_t len);
struct proposal {
	int64_t id;
	char ref[TOK_REF_MAX + 1];
	char title[TOK_TITLE_MAX + 1];
	char action[TOK_ACTION_MAX + 1];   /* canonical; "" for none */
	enum tok_vote_method method;
	int64_t opens;             /* epoch seconds */
	int64_t closes;
	int quorum_pct;
	int threshold_pct;
	int max_share_pct;         /* 0: no cap */
	char recorded[32];
	char actor[64];
	enum vote_state state;
	int exists;                /* vote_propose: the ref was recorded */
};
/* A proposal asked for; what is not given comes from c->governance. */
struct proposal_request {
	const char *ref;           /* NULL: an "auto:" ref */
	const char *title;
	const char *action;        /* NULL: none */
	int method;                /* enum tok_vote_method; < 0: default */
	int opens_given;
	int64_t opens;             /* not given: now */
	int closes_given;
	int64_t closes;            /* not given: opens + days */
	int days;                  /* < 0: default */
	int quorum_pct;            /* < 0: default */
	int threshold_pct;         /* < 0: default */
};
/*
 * Records a proposal inside the caller's write transaction.  Its action
 * is checked as the price book would take it on the day the vote closes,
 * the proposal taken as passed: a guardrail is TOK_REFUSED, a bad action
 * TOK_DATAERR.  The same ref again with what was given the same sets
 * p->exists; with something else, TOK_REFUSED naming it.
 */
int vote_propose(struct ledger *l, const struct tok_config *c,
    const struct proposal_request *r, struct proposal *p, struct tok_err *e);
/* By id (its decimal text); TOK_REFUSED when there is none. */
int vote_get(struct ledger *l, const char *id, struct proposal *p,
    struct tok_err *e);
/* Proposals by id; state < 0 for all. */
int vote_list(struct ledger *l, int state,
    int (*fn)(void *, const struct proposal *, struct tok_err *), void *arg,
    struct tok_err *e);
/*
 * TOK_OK when r->proposal names a passed proposal, not yet applied,
 * whose action is the change r (its --per and --effective compared when
 * the action names them); else TOK_REFUSED saying why.  For price_set.
 */
int vote_check_change(struct ledger *l, const struct price_request *r,
    struct tok_err *e);

/* tally.c - weights, votes, tallies, closing */
struct ballot {
	int64_t id;                /* of the vote row */
	int64_t proposal;
	enum tok_vote_method method;   /* the proposal's */
	char worker[TOK_NAME_MAX + 1];
	enum vote_choice choice;
	int64_t weight;            /* at the opening, before any cap */
	int replaced;              /* an earlier vote of the worker counted */
	enum vote_choice previous; /* ... and was this */
	int exists;                /* the same vote again: nothing written */
};
/*
 * Records worker's vote inside the caller's write transaction.  Refused
 * (TOK_REFUSED) outside [opens, closes), on a closed proposal, and for a
 * worker without weight.  A vote of the worker on the proposal with id
 * >= since (the first vote a batch made; 0: none) is a duplicate in the
 * batch (TOK_DATAERR).
 */
int vote_cast(struct ledger *l, const char *proposal, const char *worker,
    enum vote_choice choice, int64_t since, struct ballot *b,
    struct tok_err *e);
struct tally {
	int64_t weight[3];         /* by enum vote_choice, after the cap */
	long voters[3];
	int64_t eligible;          /* total weight at the opening */
	long eligible_voters;
	int capped;                /* max_share_pct > 0 */
	int64_t cap;               /* then: the most one voter counts */
	enum vote_state state;     /* stored once closed, else what closing
	                              now would give */
};
/* The tally of p: stored for a closed proposal, counted for an open one. */
int vote_tally(struct ledger *l, const struct proposal *p, struct tally *t,
    struct tok_err *e);
struct vote_closed {
	struct proposal p;
	struct tally t;
	int exists;                /* closed before */
	struct price_entry change; /* when the action was applied now */
	struct tok_err apply;      /* status TOK_OK, or why the action of a
	                              passed proposal was not applied */
};
/*
 * Closes proposal id inside the caller's write transaction: refused
 * before its close time; the second time, o->exists.  A passed action
 * goes through price_set, which may refuse it (o->apply): the outcome is
 * recorded all the same and the proposal stays passed.
 */
int vote_close(struct ledger *l, const struct tok_config *c, const char *id,
    struct vote_closed *o, struct tok_err *e);
/* Closes every open proposal whose close time has come, by id. */
int vote_close_due(struct ledger *l, const struct tok_config *c,
    int (*fn)(void *, const struct vote_closed *, struct tok_err *),
    void *arg, struct tok_err *e);

/* supply.c - where the tokens issued went (tok-report supply) */
struct supply {
	int64_t issued;        /* -balance of platform:issued */
	int64_t spent;         /* platform:revenue: bought, posted, refunded */
	int64_t cashed_out;    /* platform:cashout, failed payouts returned */
	int64_t expired;       /* platform:expired */
	int64_t held;          /* platform:holds: holds still open */
	int64_t outstanding;   /* what the workers hold, summed */
	int balanced;          /* outstanding = issued - spent - cashed_out -
	                          expired - held */
	int has_rate;          /* an exchange rate for the currency in force */
	int64_t rate;          /* then: money per token, 10^-TOK_PRICE_DECIMALS */
	int64_t liability;     /* outstanding x rate, rounded down, in the
	                          currency's minor units */
};
/* The figures counting entries dated on or before as_of (< 0: every
 * entry), at the exchange rate in force on as_of (< 0: today). */
int supply_get(struct ledger *l, const struct tok_config *c, int64_t as_of,
    struct supply *s, struct tok_err *e);

/* purchasing.c - what a balance buys of each service */
struct purchasing_row {
	const char *service;
	const char *per;
	int64_t price[3];      /* in force today, 30 and 90 days before;
	                          0: none then */
	int64_t units[3];      /* floor(balance / price) */
};
/* One row per service in force on `today`, by name. */
int purchasing_power(struct ledger *l, int64_t balance, int64_t today,
    int (*fn)(void *, const struct purchasing_row *, struct tok_err *),
    void *arg, struct tok_err *e);

/* concentration.c - how evenly tokens and voting power are held */
struct concentration {
	long holders;          /* values above zero */
	int64_t total;
	/* When holders > 0; ratios are rounded half up. */
	int64_t gini;          /* 1/10000 */
	int64_t top1, top10;   /* the share of the top 1% and 10% of the
	                          holders (count rounded up), 1/10000 */
	int64_t hhi;           /* sum of squared shares in percent, 1/100 */
	long nakamoto;         /* fewest holders with more than half */
};
/* Drops the values <= 0 of v, sorts the rest in increasing order (*n
 * becomes their count) and measures them. */
int concentration_measure(int64_t *v, size_t *n, struct concentration *c,
    struct tok_err *e);
/* The Lorenz curve of v as measure left it: point i is the share of the
 * i + 1 smallest holders in the holders and in the total, in permille
 * (rounded half up); x and y hold n points. */
void concentration_lorenz(const int64_t *v, size_t n, int64_t total,
    int *x, int *y);
/* Worker balances on business date as_of (< 0: every entry); *v is
 * malloc'd (NULL when *n is 0), for the caller to free. */
int concentration_holdings(struct ledger *l, int64_t as_of, int64_t **v,
    size_t *n, struct tok_err *e);
/* Each worker's voting power in p: the weight at its opening by its
 * method, cut to its cap as the tally counts votes. */
int concentration_power(struct ledger *l, const struct proposal *p,
    int64_t **v, size_t *n, struct tok_err *e);

/* journal.c - the ledger as an hledger(1) / ledger(1) journal */
/* Writes the transactions dated from..to (< 0: open), in txid order, to
 * f; TOK_UNUSABLE "write error: ..." when writing fails. */
int journal_write(struct ledger *l, FILE *f, int64_t from, int64_t to,
    struct tok_err *e);

/* tier.c - status tiers by lifetime earnings */
/* The minimum of tier i in units of `decimals`. */
int tier_min(const struct tok_config *c, int i, int decimals, int64_t *min,
    struct tok_err *e);
/* The highest tier `earned` reaches, or -1 when below them all. */
int tier_of(const struct tok_config *c, int64_t earned, int decimals,
    int *tier, struct tok_err *e);

/* verify.c - recomputes the invariants and the hash chain */
struct verify_check {
	const char *name;      /* "sum", "nonnegative", "cache", "chain",
	                          "prices", "schema" */
	int ok;
	int64_t txid;          /* first bad transaction; 0 when ok, and
	                          always for cache, prices and schema */
	char detail[256];      /* why it failed; what was counted if ok */
};
#define VERIFY_NCHECKS 6
struct verify_result {
	int64_t transactions;
	int64_t postings;
	char head[65];         /* hash of the last transaction, hex */
	struct verify_check checks[VERIFY_NCHECKS];
};
/* Returns TOK_OK when every check passed, TOK_VERIFY when one failed,
 * another status when the ledger could not be read. */
int ledger_verify(struct ledger *l, struct verify_result *r, struct tok_err *e);

/* copy.c - a whole ledger into a new one (SQLite to PostgreSQL, or
 * back): every row with its ids and hashes, the balance cache made again,
 * verified before it commits.  `from` is read in one snapshot
 * (ledger_begin_read); `to` must hold no transactions, prices or
 * proposals yet. */
#define COPY_NTABLES 10
struct copy_result {
	struct {
		const char *name;
		int64_t rows;
	} tables[COPY_NTABLES];
	struct verify_result from, to;
};
int ledger_copy(struct ledger *from, struct ledger *to, struct copy_result *r,
    struct tok_err *e);

/* term.c - the terminal */
/* Columns: $COLUMNS, else the window of fd (< 0: none), else 0 = unknown. */
size_t term_width(int fd);
/* 1 when the locale's character set (LC_CTYPE) is UTF-8. */
int term_utf8(void);

/* chart.c - charts drawn with text (no colour, no escape sequences) */
struct chart_opts {
	int width;         /* columns; 0: term_width of the output, else 80 */
	int height;        /* rows of the plot area, 1-200; 0: 10 */
	int ascii;         /* 1: ASCII only; implied when the locale is not UTF-8 */
	int decimals;      /* values are fixed-point with this many decimals */
	const char *title; /* first line, when not NULL or "" */
};
/*
 * All three print "(no data)" when n is 0, refuse a width below 20 with
 * TOK_USAGE "terminal too narrow for a chart (N columns)", refuse bad
 * points with TOK_DATAERR before printing anything, and return
 * TOK_UNUSABLE "write error: ..." when f fails.
 */
/*
 * A step series: value[i] holds from day x[i] (days since 1970-01-01, not
 * decreasing) until x[i + 1], the last until x_end (at least one day).
 * One column per span of days, showing the largest value in force in it.
 */
int chart_series(FILE *f, const int64_t *x, const int64_t *value, int n,
    int64_t x_end, const struct chart_opts *o, struct tok_err *e);
/* One horizontal bar per label, the largest value filling the width;
 * values <= 0 get no bar.  labels (or one of them) may be NULL. */
int chart_bars(FILE *f, const char *const *labels, const int64_t *value,
    int n, const struct chart_opts *o, struct tok_err *e);
/* A Lorenz curve through (x, y) permille, both not decreasing, 0-1000;
 * (0, 0) and (1000, 1000) are implied.  Height rows, 2 * height columns. */
int chart_lorenz(FILE *f, const int *x_permille, const int *y_permille,
    int n, const struct chart_opts *o, struct tok_err *e);

#endif
