/* cli.c - messages, exit and the options all tok binaries share */
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

extern const char *__progname;

static void
vwarn(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", __progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
warnx_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void
die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(status);
}

void
die_err(const struct tok_err *e)
{
	die(e->status ? e->status : TOK_UNUSABLE, "%s", e->msg);
}

void
usage_die(const struct cli *c)
{
	fputs(c->usage, stderr);
	exit(TOK_USAGE);
}

void
cli_init(struct cli *c, const char *usage)
{
	memset(c, 0, sizeof(*c));
	c->wait = -1;
	c->format = OUT_AUTO;
	c->usage = usage;
	setlocale(LC_CTYPE, "");
}

int
cli_option(struct cli *c, int opt, const char *arg)
{
	char *end;

	switch (opt) {
	case OPT_DB:
		c->db = arg;
		return 1;
	case OPT_CONFIG:
		c->config_path = arg;
		return 1;
	case OPT_WAIT:
		errno = 0;
		c->wait = strtod(arg, &end);
		if (errno || end == arg || *end || !(c->wait >= 0) ||
		    c->wait > 86400)
			die(TOK_USAGE, "--wait \"%s\": not a number of seconds "
			    "from 0 to 86400", arg);
		return 1;
	case OPT_FORMAT:
		if (out_format_parse(arg, &c->format) != 0)
			die(TOK_USAGE, "--format \"%s\": not one of table, tsv, "
			    "csv, json", arg);
		return 1;
	case 'h':
		fputs(c->usage, stdout);
		cli_exit(TOK_OK);
	case OPT_VERSION:
		printf("%s %s\n", __progname, TOK_VERSION);
		cli_exit(TOK_OK);
	case '?':
		usage_die(c);
	}
	return 0;
}

const struct tok_config *
cli_config(struct cli *c)
{
	struct tok_err e;

	if (!c->config_loaded &&
	    config_load(c->config_path, &c->config, &e) != TOK_OK)
		die_err(&e);
	c->config_loaded = 1;
	return &c->config;
}

int
cli_ledger_exists(const struct cli *c)
{
	char path[4096];
	struct tok_err e;

	/* A database server is asked only when the ledger is opened. */
	return ledger_find(c->db, path, sizeof(path), &e) == TOK_OK &&
	    (ledger_is_pg(path) || access(path, F_OK) == 0);
}

struct ledger *
cli_open(struct cli *c, enum ledger_mode mode)
{
	struct ledger_opts o = { c->db, c->wait, cli_config(c) };
	struct ledger *l;
	struct tok_err e;

	if (ledger_open(&l, mode, &o, &e) != TOK_OK)
		die_err(&e);
	return l;
}

struct out *
cli_out(struct cli *c, FILE *dst, const struct out_col *cols, int ncols)
{
	struct tok_err e;
	struct out *o;

	if (out_open(&o, dst, out_format_resolve(c->format, STDOUT_FILENO),
	    cols, ncols, &e) != TOK_OK)
		die_err(&e);
	return o;
}

void
cli_worker(const char *name)
{
	struct tok_err e;

	if (worker_valid(name, &e) != TOK_OK)
		die_err(&e);
}

int64_t
cli_date(const char *name, const char *arg)
{
	struct tok_err e;
	int64_t days;

	if (date_parse(arg, &days, &e) != TOK_OK)
		die(TOK_USAGE, "%s: %s", name, e.msg);
	return days;
}

void
cli_exit(int status)
{
	/* A reader that closed the pipe early (| head) is not an error. */
	if ((fflush(stdout) != 0 || ferror(stdout)) && errno != EPIPE) {
		warnx_("standard output: %s", strerror(errno));
		if (status == TOK_OK)
			status = TOK_UNUSABLE;
	}
	exit(status);
}
