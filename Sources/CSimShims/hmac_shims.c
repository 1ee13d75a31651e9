/* HMAC-SHA1 with precomputed key states for SRTPPacketProtector. See include/c_sim_openssl.h.
 * The low-level SHA1_* functions are deprecated in OpenSSL 3 but exported; unlike EVP_MAC re-initialisation
 * (which duplicates its digest context on every init), copying a SHA_CTX allocates nothing. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "c_sim_openssl.h"
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

/* RFC 2104 §2: B = 64-byte SHA-1 block; ipad = 0x36, opad = 0x5c. */
#define C_SIM_SHA1_BLOCK 64

struct c_sim_hmac_sha1 {
    SHA_CTX inner; /* after hashing K XOR ipad */
    SHA_CTX outer; /* after hashing K XOR opad */
};

c_sim_hmac_sha1 *c_sim_hmac_sha1_new(const uint8_t *key, size_t key_length) {
    if (key == NULL && key_length > 0) return NULL;
    c_sim_hmac_sha1 *hmac = calloc(1, sizeof *hmac);
    if (hmac == NULL) return NULL;
    uint8_t block[C_SIM_SHA1_BLOCK] = {0};
    if (key_length > C_SIM_SHA1_BLOCK) {
        SHA1(key, key_length, block); /* RFC 2104 §2: longer keys are hashed first */
    } else if (key_length > 0) {
        memcpy(block, key, key_length);
    }
    uint8_t pad[C_SIM_SHA1_BLOCK];
    int ok = 1;
    for (size_t i = 0; i < C_SIM_SHA1_BLOCK; i++) pad[i] = block[i] ^ 0x36;
    ok = ok && SHA1_Init(&hmac->inner) == 1 && SHA1_Update(&hmac->inner, pad, sizeof pad) == 1;
    for (size_t i = 0; i < C_SIM_SHA1_BLOCK; i++) pad[i] = block[i] ^ 0x5c;
    ok = ok && SHA1_Init(&hmac->outer) == 1 && SHA1_Update(&hmac->outer, pad, sizeof pad) == 1;
    OPENSSL_cleanse(block, sizeof block);
    OPENSSL_cleanse(pad, sizeof pad);
    if (!ok) {
        c_sim_hmac_sha1_free(hmac);
        return NULL;
    }
    return hmac;
}

void c_sim_hmac_sha1_free(c_sim_hmac_sha1 *hmac) {
    if (hmac == NULL) return;
    OPENSSL_cleanse(hmac, sizeof *hmac);
    free(hmac);
}

int c_sim_hmac_sha1_compute(const c_sim_hmac_sha1 *hmac, const uint8_t *data, size_t length,
                            const uint8_t *trailer, size_t trailer_length, uint8_t *digest) {
    if (hmac == NULL || digest == NULL || (data == NULL && length > 0) || (trailer == NULL && trailer_length > 0)) {
        return 0;
    }
    SHA_CTX context = hmac->inner;
    uint8_t inner[SHA_DIGEST_LENGTH];
    int ok = SHA1_Update(&context, data, length) == 1 && SHA1_Update(&context, trailer, trailer_length) == 1
        && SHA1_Final(inner, &context) == 1;
    context = hmac->outer;
    ok = ok && SHA1_Update(&context, inner, sizeof inner) == 1 && SHA1_Final(digest, &context) == 1;
    OPENSSL_cleanse(&context, sizeof context);
    return ok ? 1 : 0;
}
