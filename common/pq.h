/* pq.h - libpq, loaded when a ledger is first opened on PostgreSQL
 *
 * Linked in, libpq and the twenty libraries it needs (Kerberos, LDAP,
 * TLS) were loaded by every invocation and doubled the time of a single
 * earning on SQLite.  So db_pg.c and ledger_pg.c call libpq through
 * this table, filled by pq_load() with dlopen(3), under libpq's own
 * names.
 */
#ifndef TOK_PQ_H
#define TOK_PQ_H

#include <libpq-fe.h>

#include "tok.h"

#define PQ_FUNCTIONS(X) \
	X(PQclear) X(PQconnectdbParams) X(PQconninfoFree) X(PQconninfoParse) \
	X(PQerrorMessage) X(PQexec) X(PQexecParams) X(PQexecPrepared) \
	X(PQfinish) X(PQfreemem) X(PQftype) X(PQgetisnull) X(PQgetvalue) \
	X(PQntuples) X(PQprepare) X(PQresultErrorField) X(PQresultStatus) \
	X(PQsetNoticeProcessor) X(PQstatus) X(PQtransactionStatus)

#define PQ_MEMBER(f) __typeof__(f) *f;
extern struct pq_api {
	PQ_FUNCTIONS(PQ_MEMBER)
} pq;
#undef PQ_MEMBER

/* Loads libpq once; fails (TOK_UNUSABLE) when it is not installed. */
int pq_load(struct tok_err *e);

#ifndef PQ_NO_NAMES
#define PQclear (pq.PQclear)
#define PQconnectdbParams (pq.PQconnectdbParams)
#define PQconninfoFree (pq.PQconninfoFree)
#define PQconninfoParse (pq.PQconninfoParse)
#define PQerrorMessage (pq.PQerrorMessage)
#define PQexec (pq.PQexec)
#define PQexecParams (pq.PQexecParams)
#define PQexecPrepared (pq.PQexecPrepared)
#define PQfinish (pq.PQfinish)
#define PQfreemem (pq.PQfreemem)
#define PQftype (pq.PQftype)
#define PQgetisnull (pq.PQgetisnull)
#define PQgetvalue (pq.PQgetvalue)
#define PQntuples (pq.PQntuples)
#define PQprepare (pq.PQprepare)
#define PQresultErrorField (pq.PQresultErrorField)
#define PQresultStatus (pq.PQresultStatus)
#define PQsetNoticeProcessor (pq.PQsetNoticeProcessor)
#define PQstatus (pq.PQstatus)
#define PQtransactionStatus (pq.PQtransactionStatus)
#endif

#endif
