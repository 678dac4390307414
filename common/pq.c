/* pq.c - loading libpq (see pq.h) */
#include <dlfcn.h>

#define PQ_NO_NAMES
#include "pq.h"

struct pq_api pq;

int
pq_load(struct tok_err *e)
{
	static void *lib;
	const char *err;

	if (lib != NULL)
		return TOK_OK;
	if ((lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL)) == NULL)
		return tok_fail(e, TOK_UNUSABLE, "a PostgreSQL ledger needs "
		    "libpq (apt-get install libpq5): %s", dlerror());
#define PQ_LOOKUP(f) \
	*(void **)&pq.f = dlsym(lib, #f); \
	if (pq.f == NULL) \
		goto fail;
	PQ_FUNCTIONS(PQ_LOOKUP)
#undef PQ_LOOKUP
	return TOK_OK;
fail:
	err = dlerror();
	dlclose(lib);
	lib = NULL;
	return tok_fail(e, TOK_UNUSABLE, "libpq.so.5: %s", err != NULL ? err :
	    "a function is missing");
}
