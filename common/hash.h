/* hash.h - the transaction hash of the chain (private to common/) */
#ifndef TOK_HASH_H
#define TOK_HASH_H

#include <stddef.h>

struct hasher;

/* key == NULL: plain SHA-256; else HMAC-SHA-256 with that key. */
int hasher_new(struct hasher **h, const unsigned char *key, size_t keylen,
    struct tok_err *e);
/* Hashes buf into hex (65 bytes, NUL-terminated). */
int hasher_hex(struct hasher *h, const void *buf, size_t len, char *hex,
    struct tok_err *e);
void hasher_free(struct hasher *h);

/* The canonical encoding that is hashed: length-prefixed fields. */
struct canon {
	char buf[8192];
	size_t len;
	int overflow;
};
/* Starts an encoding with the tag of what is encoded. */
void canon_init_tag(struct canon *c, const char *tag);
/* canon_init_tag(c, "tok-txn-1"): a transaction. */
void canon_init(struct canon *c);
void canon_str(struct canon *c, const char *s);
void canon_int(struct canon *c, long long v);

#endif
