/* journal.c - the ledger as a journal that hledger(1) and ledger(1) read
 *
 *	2026-11-28 (a1) July bonus  ; txid:3, type:earn, actor:root
 *	    workers:alice     5.25 TOK
 *	    platform:issued  -5.25 TOK
 *
 * One commodity, TOK, with the ledger's decimals; worker accounts under
 * workers:, platform accounts as they are; the business date; the ref as
 * the code; the memo as the description.  What the format cannot hold is
 * replaced: ")" in a code by "]", ";" in a description by "," (it would
 * start a comment), "," in a tag value by "_" (it would end the tag),
 * control characters by a space.  The txid tag finds the exact entry.
 */
#include <errno.h>
#include <string.h>

#include "ledger_priv.h"

struct jtxn {
	int64_t txid;
	char date[16];
	char ref[TOK_REF_MAX + 1];
	char type[16];
	char memo[TOK_MEMO_MAX + 1];
	char actor[64];
	int n;
	char account[TOK_MAX_POSTINGS][TOK_NAME_MAX + 16];
	int64_t amount[TOK_MAX_POSTINGS];
};

static void
copy_col(struct db_stmt *st, int col, char *dst, size_t len)
{
	const char *v = db_text(st, col);

	snprintf(dst, len, "%s", v != NULL ? v : "");
}

/* s with each byte in `bad` turned into `to`, control characters into
 * `ctl`. */
static void
put_clean(FILE *f, const char *s, const char *bad, int to, int ctl)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			putc(ctl, f);
		else if (strchr(bad, *p) != NULL)
			putc(to, f);
		else
			putc(*p, f);
}

static void
write_txn(FILE *f, const struct jtxn *t, int decimals)
{
	char name[TOK_MAX_POSTINGS][TOK_NAME_MAX + 24];
	char amt[TOK_MAX_POSTINGS][32];
	int i, aw = 0, nw = 0, w;

	fprintf(f, "%s (", t->date);
	put_clean(f, t->ref, ")", ']', ' ');
	fputs(") ", f);
	if (*t->memo != '\0')
		put_clean(f, t->memo, ";", ',', ' ');
	else {
		fprintf(f, "%s ", t->type);
		put_clean(f, t->ref, ";", ',', ' ');
	}
	fprintf(f, "  ; txid:%lld, type:", (long long)t->txid);
	put_clean(f, t->type, ",", '_', '_');
	fputs(", actor:", f);
	put_clean(f, t->actor, ",", '_', '_');
	fputc('\n', f);
	for (i = 0; i < t->n; i++) {
		snprintf(name[i], sizeof(name[i]), "%s%s",
		    strncmp(t->account[i], "platform:", 9) != 0 ? "workers:" :
		    "", t->account[i]);
		amount_format(t->amount[i], decimals, amt[i], sizeof(amt[i]));
		w = (int)strlen(name[i]);
		aw = w > aw ? w : aw;
		w = (int)strlen(amt[i]);
		nw = w > nw ? w : nw;
	}
	/* Two spaces at least between an account and its amount. */
	for (i = 0; i < t->n; i++)
		fprintf(f, "    %-*s  %*s TOK\n", aw, name[i], nw, amt[i]);
	fputc('\n', f);
}

int
journal_write(struct ledger *l, FILE *f, int64_t from, int64_t to,
    struct tok_err *e)
{
	struct jtxn t;
	struct db_stmt *st = NULL;
	char day[16];
	int64_t txid;
	int rc, status = TOK_OK;

	if (db_prepare_flags(l->db, "SELECT t.txid, t.date, t.ref, t.type, "
	    "t.memo, t.actor, p.account, p.amount FROM txn t JOIN posting p "
	    "USING (txid) WHERE t.date >= ?1 AND t.date <= ?2 ORDER BY "
	    "t.txid, p.seq", DB_SCAN, &st) != DB_OK)
		return ledger_sqlfail(l, e, "reading the ledger");
	db_bind_text(st, 1, from < 0 ? "" : date_format(from, day,
	    sizeof(day)));
	db_bind_text(st, 2, to < 0 ? "9999-12-31" : date_format(to, day,
	    sizeof(day)));
	t.txid = 0;
	errno = 0;
	while (status == TOK_OK && (rc = db_step(st)) == DB_ROW) {
		txid = db_int(st, 0);
		if (txid != t.txid) {
			if (t.txid != 0)
				write_txn(f, &t, l->decimals);
			t.txid = txid;
			t.n = 0;
			copy_col(st, 1, t.date, sizeof(t.date));
			copy_col(st, 2, t.ref, sizeof(t.ref));
			copy_col(st, 3, t.type, sizeof(t.type));
			copy_col(st, 4, t.memo, sizeof(t.memo));
			copy_col(st, 5, t.actor, sizeof(t.actor));
		}
		if (t.n == TOK_MAX_POSTINGS)
			status = tok_fail(e, TOK_VERIFY, "txid %lld: more than "
			    "%d postings", (long long)txid, TOK_MAX_POSTINGS);
		else {
			copy_col(st, 6, t.account[t.n], sizeof(t.account[0]));
			t.amount[t.n++] = db_int(st, 7);
		}
	}
	if (status == TOK_OK && rc != DB_DONE)
		status = ledger_sqlfail(l, e, "reading the ledger");
	db_finalize(st);
	if (status != TOK_OK)
		return status;
	if (t.txid != 0)
		write_txn(f, &t, l->decimals);
	if (fflush(f) != 0 || ferror(f))
		return tok_fail(e, TOK_UNUSABLE, "write error: %s",
		    strerror(errno != 0 ? errno : EIO));
	return TOK_OK;
}
