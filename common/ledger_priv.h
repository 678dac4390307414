/* ledger_priv.h - the body of struct ledger, for common/ only */
#ifndef TOK_LEDGER_PRIV_H
#define TOK_LEDGER_PRIV_H

#include <sqlite3.h>

#include "tok.h"
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

struct ledger {
	sqlite3 *db;
	char path[4096];
	int decimals;
	struct hasher *hasher;  /* made on first use, see ledger_hasher() */
	int keyed;             /* the chain is HMAC-SHA-256 */
	unsigned char key[256];
	size_t keylen;         /* 0: no key file configured */
	char actor[64];
	char recorded[32];     /* this invocation's recording time */
	int64_t today;         /* its date, in days */
	double wait;           /* seconds a write waits for the lock */
	sqlite3_stmt *st[ST_COUNT];
	/* State of the open write transaction. */
	int in_write;
	int tip_loaded;
	int64_t tip_txid;
	char tip_hash[65];
	int64_t write_first;   /* first txid made in this write transaction */
};

/* Returns the prepared statement `which`, reset and with bindings cleared. */
int ledger_stmt(struct ledger *l, enum ledger_stmt which, sqlite3_stmt **st,
    struct tok_err *e);
/* Turns the last SQLite error into a message: "WHAT: <sqlite message>". */
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
int price_entry_query(struct ledger *l, sqlite3_stmt **st, const char *rest,
    const char *a1, const char *a2, int prev_in_force, struct tok_err *e);
void price_entry_read(sqlite3_stmt *st, struct price_entry *p);
/* price_set.c: walks the price chain; *bad is the first change whose
 * hash or link is wrong, 0 when none. */
int price_chain_check(struct ledger *l, int64_t *count, int64_t *bad,
    char *head, struct tok_err *e);

/* schema.c */
extern const int tok_application_id;
int schema_version(void);
int schema_migrate(struct ledger *l, int from, struct tok_err *e);
/* Compares the ledger's objects in sqlite_master (type, name, table, SQL)
 * with those the migrations make in an empty database.  TOK_OK with a
 * summary in detail; TOK_VERIFY with the first difference in detail,
 * naming the object ("trigger txn_no_update is missing"); another status,
 * detail untouched, when a schema cannot be read. */
int schema_check(struct ledger *l, char *detail, size_t n, struct tok_err *e);

#endif
