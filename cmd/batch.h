/* batch.h - a write run and the batch of records that feeds it: one
 * transaction, every bad record named, a receipt shown when it is done
 * (DESIGN.md sections 5 and 6) */
#ifndef TOK_BATCH_H
#define TOK_BATCH_H

#include "cli.h"

struct run {
	struct cli *cli;
	struct ledger *ledger;
	struct out *receipt;
	FILE *spool;           /* the receipt, shown once the run is done */
	int dry_run;
};

/* Opens the ledger (in memory for a dry run on a missing ledger), the
 * receipt, and the write transaction; exits on failure. */
void run_open(struct run *r, struct cli *c, int dry_run,
    const struct out_col *cols, int ncols);
/* Rolls back and exits with e's message and status. */
void run_abort(struct run *r, const struct tok_err *e)
    __attribute__((noreturn));
/* Commits (rolls back for a dry run), then prints the receipt. */
void run_finish(struct run *r);

struct batch {
	const char *name;      /* as shown in messages: a path or "stdin" */
	FILE *in;
	struct rec_reader *rec;
	const char *rejects_path;
	FILE *rejects;
	long records;
	long bad;
	int worst;             /* highest exit status among bad records */
};

/* Opens FILE or "-" and reads its header; exits on failure.  With
 * rejects_path, bad records are copied there as read. */
void batch_open(struct batch *b, const char *path,
    const char *const *required, const char *const *optional,
    const char *rejects_path);
/* Reads the next good record: 1, or 0 at the end.  Records the reader
 * refuses are reported and skipped here. */
int batch_next(struct batch *b, struct run *r);
/* A field of the current record; an empty one counts as absent. */
const char *batch_field(const struct batch *b, const char *col,
    const char *fallback);
/* Reports the current record as bad ("NAME: line N: why"). */
void batch_reject(struct batch *b, struct run *r, const struct tok_err *e);
/* Ends the run: with bad records, nothing lands unless skip_invalid. */
void batch_finish(struct batch *b, struct run *r, int skip_invalid);

#endif
