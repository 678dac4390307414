/* hash.c - SHA-256 / HMAC-SHA-256 through libcrypto, and the encoding
 * hashed for each transaction */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The plain chain uses libcrypto's SHA256_Init/Update/Final, deprecated
 * in OpenSSL 3 but kept: the EVP fetch that replaces them starts the
 * provider machinery and reads openssl.cnf, a quarter of a one-earning
 * run.  Same hashes, same SHA instructions.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "tok.h"
#include "hash.h"

struct hasher {
	EVP_MAC *mac;          /* NULL for the plain chain */
	EVP_MAC_CTX *macctx;
	OSSL_PARAM params[2];
};

int
hasher_new(struct hasher **hp, const unsigned char *key, size_t keylen,
    struct tok_err *e)
{
	struct hasher *h = calloc(1, sizeof(*h));

	*hp = NULL;
	if (h == NULL)
		return tok_fail(e, TOK_UNUSABLE, "out of memory");
	if (key != NULL) {
		OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
		h->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
		h->macctx = h->mac ? EVP_MAC_CTX_new(h->mac) : NULL;
		h->params[0] = OSSL_PARAM_construct_utf8_string(
		    OSSL_MAC_PARAM_DIGEST, "SHA256", 0);
		h->params[1] = OSSL_PARAM_construct_end();
		if (h->macctx == NULL ||
		    !EVP_MAC_init(h->macctx, key, keylen, h->params))
			goto fail;
	}
	*hp = h;
	return TOK_OK;
fail:
	hasher_free(h);
	return tok_fail(e, TOK_UNUSABLE, "libcrypto: cannot set up SHA-256");
}

static void
to_hex(const unsigned char *md, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * n] = '\0';
}

int
hasher_hex(struct hasher *h, const void *buf, size_t len, char *hex,
    struct tok_err *e)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	size_t macn = 0;
	int ok;

	if (h->mac == NULL) {
		SHA256_CTX ctx;

		ok = SHA256_Init(&ctx) && SHA256_Update(&ctx, buf, len) &&
		    SHA256_Final(md, &ctx);
		n = SHA256_DIGEST_LENGTH;
	} else {
		/* NULL key: re-initialise with the key given at setup. */
		ok = EVP_MAC_init(h->macctx, NULL, 0, NULL) &&
		    EVP_MAC_update(h->macctx, buf, len) &&
		    EVP_MAC_final(h->macctx, md, &macn, sizeof(md));
		n = (unsigned int)macn;
	}
	if (!ok || n != 32)
		return tok_fail(e, TOK_UNUSABLE, "libcrypto: hashing failed");
	to_hex(md, n, hex);
	return TOK_OK;
}

void
hasher_free(struct hasher *h)
{
	if (h == NULL)
		return;
	EVP_MAC_CTX_free(h->macctx);
	EVP_MAC_free(h->mac);
	free(h);
}

void
canon_init_tag(struct canon *c, const char *tag)
{
	c->len = 0;
	c->overflow = 0;
	canon_str(c, tag);
}

void
canon_init(struct canon *c)
{
	canon_init_tag(c, "tok-txn-1");
}

/* Writes v in decimal at p; returns the length.  Hashing a million
 * transactions must not spend its time in printf. */
static size_t
put_uint(char *p, unsigned long long v)
{
	char tmp[24];
	size_t n = 0, i;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

/* Each field as "<length>:<bytes>," so that no two transactions encode
 * alike. */
static void
canon_bytes(struct canon *c, const char *s, size_t n)
{
	if (c->overflow || n + 24 >= sizeof(c->buf) - c->len) {
		c->overflow = 1;
		return;
	}
	c->len += put_uint(c->buf + c->len, n);
	c->buf[c->len++] = ':';
	memcpy(c->buf + c->len, s, n);
	c->len += n;
	c->buf[c->len++] = ',';
}

void
canon_str(struct canon *c, const char *s)
{
	canon_bytes(c, s, strlen(s));
}

void
canon_int(struct canon *c, long long v)
{
	char num[24];
	size_t n = 0;

	if (v < 0)
		num[n++] = '-';
	n += put_uint(num + n, v < 0 ? -(unsigned long long)v :
	    (unsigned long long)v);
	canon_bytes(c, num, n);
}
