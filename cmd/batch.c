/* batch.c - write runs and batches, shared by the tools that write */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"

extern const char *__progname;

void
run_open(struct run *r, struct cli *c, int dry_run,
    const struct out_col *cols, int ncols)
{
	struct tok_err e;

	r->cli = c;
	r->dry_run = dry_run;
	r->ledger = cli_open(c, dry_run ? LEDGER_DRY_RUN : LEDGER_WRITE);
	if ((r->spool = tmpfile()) == NULL)
		die(TOK_UNUSABLE, "cannot make a temporary file for the receipt");
	r->receipt = cli_out(c, r->spool, cols, ncols);
	if (ledger_begin(r->ledger, &e) != TOK_OK)
		die_err(&e);
}

/* Rolls back and closes the ledger, so that nothing is left open at
 * exit. */
static void
run_drop(struct run *r)
{
	ledger_rollback(r->ledger);
	ledger_close(r->ledger);
	r->ledger = NULL;
}

void
run_abort(struct run *r, const struct tok_err *e)
{
	struct tok_err copy = *e;   /* e may live in the ledger's caller */

	run_drop(r);
	die_err(&copy);
}

void
run_finish(struct run *r)
{
	struct tok_err e;
	char buf[65536];
	size_t n;

	if (out_close(r->receipt, &e) != TOK_OK)
		run_abort(r, &e);
	if (r->dry_run)
		ledger_rollback(r->ledger);
	else if (ledger_commit(r->ledger, &e) != TOK_OK)
		run_abort(r, &e);
	/* After the commit: a receipt lost on the way is got back by
	 * running again, which finds every record as "exists". */
	rewind(r->spool);
	while ((n = fread(buf, 1, sizeof(buf), r->spool)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(r->spool);
	ledger_close(r->ledger);
}

/* Progress on a terminal, about once a second. */
static void
progress(long n, int done)
{
	static int tty = -1;
	static time_t last;
	time_t now;

	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	if (!tty)
		return;
	if (done) {
		if (last)
			fputs("\r\033[K", stderr);
		return;
	}
	if ((n & 1023) != 0 || (now = time(NULL)) == last)
		return;
	last = now;
	fprintf(stderr, "\r%s: %ld records", __progname, n);
}

void
batch_open(struct batch *b, const char *path, const char *const *required,
    const char *const *optional, const char *rejects_path)
{
	struct tok_err e;

	memset(b, 0, sizeof(*b));
	b->rejects_path = rejects_path;
	if (strcmp(path, "-") == 0) {
		b->name = "stdin";
		b->in = stdin;
	} else if ((b->in = fopen(b->name = path, "r")) == NULL)
		die(TOK_DATAERR, "%s: %s", path, strerror(errno));
	if (rec_open(&b->rec, b->in, b->name, required, optional, &e))
		die(e.status, "%s: %s", b->name, e.msg);
	if (rejects_path == NULL)
		return;
	if ((b->rejects = fopen(rejects_path, "w")) == NULL)
		die(TOK_UNUSABLE, "%s: %s", rejects_path, strerror(errno));
	fprintf(b->rejects, "%s\n", rec_header(b->rec));
}

/* Messages of the record reader already start with "line N:". */
static void
reject(struct batch *b, struct run *r, const struct tok_err *e,
    int from_reader)
{
	if (from_reader)
		warnx_("%s: %s", b->name, e->msg);
	else
		warnx_("%s: line %ld: %s", b->name, rec_line(b->rec), e->msg);
	if (e->status == TOK_UNUSABLE) {
		/* The ledger failed under the batch: nothing more can land. */
		run_drop(r);
		exit(TOK_UNUSABLE);
	}
	b->bad++;
	if (e->status > b->worst)
		b->worst = e->status;
	if (b->rejects != NULL)
		fprintf(b->rejects, "%s\n", rec_raw(b->rec));
}

/*
 * The reader has stopped for good (a line too long to find its end, a
 * read error): the records past it are unknown, so skipping the line
 * would land part of the input as if it were all of it.  The whole input
 * is refused, with --skip-invalid too, and the line is not copied to the
 * rejects: a cut copy, fixed and run again, would land a cut record.
 */
static void
refuse_input(struct batch *b, struct run *r, const struct tok_err *e)
{
	progress(b->records, 1);
	warnx_("%s: %s", b->name, e->msg);
	run_drop(r);
	die(e->status > b->worst ? e->status : b->worst,
	    "%s: the input cannot be read past line %ld; nothing written",
	    b->name, rec_line(b->rec));
}

void
batch_reject(struct batch *b, struct run *r, const struct tok_err *e)
{
	reject(b, r, e, 0);
}

int
batch_next(struct batch *b, struct run *r)
{
	struct tok_err e;
	int got;

	for (;;) {
		if (rec_next(b->rec, &got, &e) != TOK_OK) {
			if (rec_broken(b->rec))
				refuse_input(b, r, &e);
			progress(++b->records, 0);
			reject(b, r, &e, 1);
			continue;
		}
		if (!got) {
			progress(b->records, 1);
			return 0;
		}
		progress(++b->records, 0);
		return 1;
	}
}

const char *
batch_field(const struct batch *b, const char *col, const char *fallback)
{
	const char *v = rec_get(b->rec, col);

	return v != NULL && *v != '\0' ? v : fallback;
}

void
batch_finish(struct batch *b, struct run *r, int skip_invalid)
{
	rec_close(b->rec);
	if (b->in != stdin)
		fclose(b->in);
	if (b->rejects != NULL && fclose(b->rejects) != 0)
		die(TOK_UNUSABLE, "%s: %s", b->rejects_path, strerror(errno));
	if (b->bad > 0 && !skip_invalid) {
		run_drop(r);
		die(b->worst, "%s: %ld of %ld records bad; nothing written",
		    b->name, b->bad, b->records);
	}
	run_finish(r);
	if (b->bad > 0)
		warnx_("%s: %ld of %ld records skipped, written to %s", b->name,
		    b->bad, b->records, b->rejects_path);
}
