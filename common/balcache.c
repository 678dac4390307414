/* balcache.c - the balances a write transaction has seen and changed
 *
 * Inside one write transaction, the library is the only writer (the
 * ledger's lock), so a balance it has read, plus what it has posted
 * since, is the balance.  Keeping them here saves a query per posting
 * and, on PostgreSQL, is what makes a long batch linear: there the
 * account_balance rows are brought up to date once, at commit (see
 * schema_pg.c), not after every posting.
 */
#define _GNU_SOURCE             /* tdestroy */
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "ledger_priv.h"

struct balance {
	int64_t amount;
	char account[];
};

static int
by_account(const void *a, const void *b)
{
	return strcmp(((const struct balance *)a)->account,
	    ((const struct balance *)b)->account);
}

static struct balance *
find(struct ledger *l, const char *account)
{
	union {
		struct balance b;
		char room[sizeof(struct balance) + TOK_NAME_MAX + 16];
	} key;
	void *node;

	if (strlen(account) >= sizeof(key.room) - sizeof(struct balance))
		return NULL;
	strcpy(key.b.account, account);
	node = tfind(&key.b, &l->balances, by_account);
	return node != NULL ? *(struct balance **)node : NULL;
}

int
balcache_get(struct ledger *l, const char *account, int64_t *amount)
{
	struct balance *b = l->in_write ? find(l, account) : NULL;

	if (b != NULL)
		*amount = b->amount;
	return b != NULL;
}

int
balcache_set(struct ledger *l, const char *account, int64_t amount,
    struct tok_err *e)
{
	struct balance *b = find(l, account);
	size_t len = strlen(account);
	void *node;

	if (!l->in_write)
		return TOK_OK;
	if (b == NULL) {
		if ((b = malloc(sizeof(*b) + len + 1)) == NULL)
			return tok_fail(e, TOK_UNUSABLE, "out of memory");
		memcpy(b->account, account, len + 1);
		if ((node = tsearch(b, &l->balances, by_account)) == NULL) {
			free(b);
			return tok_fail(e, TOK_UNUSABLE, "out of memory");
		}
	}
	b->amount = amount;
	return TOK_OK;
}

void
balcache_clear(struct ledger *l)
{
	tdestroy(l->balances, free);
	l->balances = NULL;
}
