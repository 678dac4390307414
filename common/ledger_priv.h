/* ledger_priv.h - the body of struct ledger, for common/ only */
#ifndef TOK_LEDGER_PRIV_H
#define TOK_LEDGER_PRIV_H

#include "tok.h"
#include "db.h"
#include "hash.h"

/* The predecessor of the first link of a chain. */
#define TOK_ZERO_HASH \
	"0000000000000000000000000000000000000000000000000000000000000000"

/* Statements prepared once per process and reused (STYLE.md item 6). */
enum ledger_stmt {
	ST_TIP,
	ST_TXN_INSERT,
	ST_POSTING_INSERT,
	ST_TXN_BY_REF,
	ST_POSTINGS_OF,
	ST_BALANCE,
	ST_COUNT
};

struct ledger;

/* What differs between SQLite and PostgreSQL beyond statements: finding
 * and opening the store, what marks it as a tok ledger, its schema, and
 * how a write transaction excludes other writers. */
struct ledger_engine {
	/* Opens l->db for mode; *fresh when there is no ledger yet (an
	 * empty file or database) or, for a dry run, nothing at all. */
	int (*open)(struct ledger *l, enum ledger_mode mode, int *fresh,
	    struct tok_err *e);
	/* The schema version of a tok ledger (0: not made yet); refuses
	 * a store that belongs to something else. */
	int (*version)(struct ledger *l, int *version, struct tok_err *e);
	/* Brings the schema to this build's version in one write
	 * transaction of its own, marking the store as a tok ledger and
	 * writing meta (ledger_meta_init) when it is new. */
	int (*migrate)(struct ledger *l, struct tok_err *e);
	/* BEGIN for a write that excludes other writers, waiting l->wait. */
	int (*begin_write)(struct ledger *l, struct tok_err *e);
	/* BEGIN for reads that all see one snapshot. */
	int (*begin_read)(struct ledger *l, struct tok_err *e);
	/* verify's schema check: TOK_VERIFY with the first difference from
	 * what the migrations make in detail, or its summary when none. */
	int (*schema_check)(struct ledger *l, char *detail, size_t n,
	    struct tok_err *e);
	/* Brings what the engine keeps for the commit (the balance cache
	 * on PostgreSQL) up to date inside the open transaction. */
	int (*settle)(struct ledger *l, struct tok_err *e);
};

extern const struct ledger_engine ledger_sqlite, ledger_pg;

/* ledger_pg.c: taking a PostgreSQL URL as the ledger (a password in it
 * is refused from the command line). */
int ledger_pg_target(struct ledger *l, const char *url, int from_argv,
    struct tok_err *e);

struct ledger {
	const struct ledger_engine *engine;
	struct db *db;
	enum ledger_mode mode;
	char path[4096];       /* as messages show it */
	char *url;             /* PostgreSQL's connection URL, or NULL */
	int decimals;
	struct hasher *hasher;  /* made on first use, see ledger_hasher() */
	int keyed;             /* the chain is HMAC-SHA-256 */
	unsigned char key[256];
	size_t keylen;         /* 0: no key file configured */
	char actor[64];
	char recorded[32];     /* this invocation's recording time */
	int64_t today;         /* its date, in days */
	double wait;           /* seconds a write waits for the lock */
	struct db_stmt *st[ST_COUNT];
	/* State of the open write transaction. */
	int in_write;
	int tip_loaded;
	int64_t tip_txid;
	char tip_hash[65];
	int64_t write_first;   /* first txid made in this write transaction */
	void *balances;        /* balcache.c: a tsearch tree */
};

/* Returns the prepared statement `which`, reset and with bindings cleared. */
int ledger_stmt(struct ledger *l, enum ledger_stmt which, struct db_stmt **st,
    struct tok_err *e);
/* Turns the engine's last error into a message: "WHAT: <its message>". */
int ledger_sqlfail(struct ledger *l, struct tok_err *e, const char *what);
/* The chain's hasher; fails when the ledger is keyed and no key is set. */
int ledger_hasher(struct ledger *l, struct hasher **h, struct tok_err *e);
/* Runs SQL without results. */
int ledger_exec(struct ledger *l, const char *sql, struct tok_err *e);
/* The canonical hash of a stored transaction, as verify and txn_post
 * compute it. */
int txn_hash(struct ledger *l, const char *prev, int64_t txid,
    const char *ref, const char *type, const char *date, const char *recorded,
    const char *actor, const char *memo, int64_t reverses,
    const struct posting *p, int np, char *hex, struct tok_err *e);

/* price.c: prepares "SELECT <every column of an entry> FROM price_change p
 * REST" and binds a1 and a2 (when not NULL) as ?1 and ?2; "previous" is
 * the change before, or with prev_in_force the price in force the day
 * before. */
int price_entry_query(struct ledger *l, struct db_stmt **st, const char *rest,
    const char *a1, const char *a2, int prev_in_force, struct tok_err *e);
void price_entry_read(struct db_stmt *st, struct price_entry *p);
/* price_set.c: walks the price chain; *bad is the first change whose
 * hash or link is wrong, 0 when none. */
int price_chain_check(struct ledger *l, int64_t *count, int64_t *bad,
    char *head, struct tok_err *e);

/* balcache.c: the balances of the open write transaction.  get answers
 * 1 with the amount when the account is known, 0 when it must be read;
 * set records a balance read or reached (a no-op outside a write). */
int balcache_get(struct ledger *l, const char *account, int64_t *amount);
int balcache_set(struct ledger *l, const char *account, int64_t amount,
    struct tok_err *e);
void balcache_clear(struct ledger *l);

/* ledger.c: the rows of meta a new ledger starts with. */
int ledger_meta_init(struct ledger *l, struct tok_err *e);

/* schema.c: the SQLite schema. */
extern const int tok_application_id;
int schema_version(void);
int schema_migrate(struct ledger *l, int from, struct tok_err *e);
/* Compares the ledger's objects in sqlite_master (type, name, table, SQL)
 * with those the migrations make in an empty database.  TOK_OK with a
 * summary in detail; TOK_VERIFY with the first difference in detail,
 * naming the object ("trigger txn_no_update is missing"); another status,
 * detail untouched, when a schema cannot be read. */
int schema_sqlite_check(struct ledger *l, char *detail, size_t n,
    struct tok_err *e);
/* schema_pg.c: the PostgreSQL schema. */
int schema_pg_migrate(struct ledger *l, int from, struct tok_err *e);
int schema_pg_check(struct ledger *l, char *detail, size_t n,
    struct tok_err *e);

#endif
