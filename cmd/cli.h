/* cli.h - what every tok binary shares: messages, exit, common options */
#ifndef TOK_CLI_H
#define TOK_CLI_H

#include <getopt.h>

#include "tok.h"

#define TOK_VERSION "0.1.0"

/* Long options every tool takes; their codes start at OPT_COMMON. */
enum {
	OPT_COMMON = 1000,
	OPT_DB,
	OPT_CONFIG,
	OPT_WAIT,
	OPT_FORMAT,
	OPT_VERSION,
	OPT_TOOL           /* first code free for the tool's own options */
};
#define CLI_COMMON_OPTIONS \
	{ "db", required_argument, NULL, OPT_DB }, \
	{ "config", required_argument, NULL, OPT_CONFIG }, \
	{ "wait", required_argument, NULL, OPT_WAIT }, \
	{ "format", required_argument, NULL, OPT_FORMAT }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, OPT_VERSION }

struct cli {
	const char *db;
	const char *config_path;
	double wait;           /* < 0: the library's default */
	enum out_format format;
	struct tok_config config;
	int config_loaded;
	const char *usage;     /* the SYNOPSIS, printed by -h and on misuse */
};

void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "prog: msg" and exits with status. */
void die(int status, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));
/* Prints e's message and exits with its status. */
void die_err(const struct tok_err *e) __attribute__((noreturn));
/* Prints the usage to stderr and exits 2. */
void usage_die(const struct cli *c) __attribute__((noreturn));

void cli_init(struct cli *c, const char *usage);
/* Handles a common option; returns 1 when opt was one, 0 otherwise. */
int cli_option(struct cli *c, int opt, const char *arg);
/* Loads the config once, or exits. */
const struct tok_config *cli_config(struct cli *c);
/* 1 when the ledger the options name exists. */
int cli_ledger_exists(const struct cli *c);
/* Loads the config and opens the ledger, or exits. */
struct ledger *cli_open(struct cli *c, enum ledger_mode mode);
/* Opens the output in the chosen format on dst, or exits. */
struct out *cli_out(struct cli *c, FILE *dst, const struct out_col *cols,
    int ncols);
/* Refuses a bad worker name (exit 3), or returns. */
void cli_worker(const char *name);
/* Parses a date argument of option `name`, or exits 2. */
int64_t cli_date(const char *name, const char *arg);
/* Flushes stdout, reports a write error, and exits with status. */
void cli_exit(int status) __attribute__((noreturn));

#endif
