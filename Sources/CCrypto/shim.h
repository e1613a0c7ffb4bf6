#ifndef FATHOM_CCRYPTO_SHIM_H
#define FATHOM_CCRYPTO_SHIM_H

/* OpenSSL's libcrypto (3.x): message digests and HMAC through the EVP
   interfaces, which are not deprecated. Only FathomCrypto imports this module. */
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <stddef.h>

/* The digest named `name` ("MD5", "SHA1", "SHA256", "SHA512") of `data` into `out`
   (at least EVP_MAX_MD_SIZE bytes). Returns the digest's length, or 0 on failure. */
static inline unsigned int fathom_digest(const char *name, const void *data, size_t length, unsigned char *out) {
    const EVP_MD *md = EVP_get_digestbyname(name);
    unsigned int written = 0;
    if (md == NULL) return 0;
    if (EVP_Digest(data, length, out, &written, md, NULL) != 1) return 0;
    return written;
}

/* HMAC with the digest named `name`; returns the MAC's length, or 0 on failure. */
static inline size_t fathom_hmac(const char *name, const void *key, size_t keyLength,
                                 const void *data, size_t length, unsigned char *out, size_t outSize) {
    size_t written = 0;
    /* A zero-length key is legal for HMAC; OpenSSL wants a non-NULL pointer for it. */
    static const unsigned char empty = 0;
    if (EVP_Q_mac(NULL, "HMAC", NULL, name, NULL, keyLength ? key : &empty, keyLength,
                  data, length, out, outSize, &written) == NULL) return 0;
    return written;
}

static inline int fathom_max_md_size(void) { return EVP_MAX_MD_SIZE; }

#endif
