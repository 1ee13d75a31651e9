/* OpenSSL wrappers for what Swift cannot import (macros, varargs) and the DTLS certificate helpers.
 * See include/c_sim_openssl.h for the contract of each function. */
#include "c_sim_openssl.h"
#include <openssl/ssl.h>
#include <openssl/srtp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/evp.h>
#include <openssl/bn.h>
#include <openssl/rand.h>

int c_sim_openssl_generate_self_signed(const char *common_name, int validity_days,
                                       struct evp_pkey_st **out_key, struct x509_st **out_cert) {
    if (common_name == NULL || out_key == NULL || out_cert == NULL || validity_days <= 0) return 0;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    if (key == NULL) return 0;
    X509 *cert = X509_new();
    int ok = cert != NULL;
    ok = ok && X509_set_version(cert, 2) == 1; /* v3 */

    /* Random positive 63-bit serial (RFC 5280 §4.1.2.2: unique per issuer; ours are one-off). */
    unsigned char serial_bytes[8];
    ok = ok && RAND_bytes(serial_bytes, sizeof serial_bytes) == 1;
    if (ok) {
        serial_bytes[0] &= 0x7f;
        BIGNUM *serial = BN_bin2bn(serial_bytes, sizeof serial_bytes, NULL);
        ok = serial != NULL && BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert)) != NULL;
        BN_free(serial);
    }

    ok = ok && X509_gmtime_adj(X509_getm_notBefore(cert), -86400L) != NULL;
    ok = ok && X509_gmtime_adj(X509_getm_notAfter(cert), (long)validity_days * 86400L) != NULL;
    X509_NAME *name = ok ? X509_get_subject_name(cert) : NULL;
    ok = ok && name != NULL
        && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)common_name, -1, -1, 0) == 1;
    ok = ok && X509_set_issuer_name(cert, name) == 1;
    ok = ok && X509_set_pubkey(cert, key) == 1;
    ok = ok && X509_sign(cert, key, EVP_sha256()) > 0;
    if (!ok) {
        X509_free(cert);
        EVP_PKEY_free(key);
        return 0;
    }
    *out_key = key;
    *out_cert = cert;
    return 1;
}

/* WebRTC peers present self-signed certificates: accept any chain here, the SDP fingerprint is
 * the trust anchor and is checked by the caller once the handshake completes. */
static int c_sim_openssl_accept_any_certificate(int preverify_ok, X509_STORE_CTX *store) {
    (void)preverify_ok;
    (void)store;
    return 1;
}

int c_sim_openssl_dtls_ctx_configure(struct ssl_ctx_st *ctx, const char *srtp_profiles) {
    if (ctx == NULL || srtp_profiles == NULL) return 0;
    if (SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) != 1) return 0;
    SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, c_sim_openssl_accept_any_certificate);
    /* SSL_CTX_set_tlsext_use_srtp returns 0 on success. */
    if (SSL_CTX_set_tlsext_use_srtp(ctx, srtp_profiles) != 0) return 0;
    return 1;
}

int c_sim_openssl_dtls_set_link_mtu(struct ssl_st *ssl, long mtu) {
    if (ssl == NULL) return 0;
    return DTLS_set_link_mtu(ssl, mtu) == 1 ? 1 : 0;
}

int c_sim_openssl_dtls_get_timeout(struct ssl_st *ssl, int64_t *remaining_us) {
    if (ssl == NULL || remaining_us == NULL) return 0;
    struct timeval left = {0, 0};
    if (DTLSv1_get_timeout(ssl, &left) != 1) return 0;
    *remaining_us = (int64_t)left.tv_sec * 1000000 + (int64_t)left.tv_usec;
    return 1;
}

int c_sim_openssl_dtls_handle_timeout(struct ssl_st *ssl) {
    if (ssl == NULL) return -1;
    int result = (int)DTLSv1_handle_timeout(ssl);
    return result > 0 ? 1 : (result == 0 ? 0 : -1);
}

uint16_t c_sim_openssl_selected_srtp_profile(struct ssl_st *ssl) {
    if (ssl == NULL) return 0;
    SRTP_PROTECTION_PROFILE *profile = SSL_get_selected_srtp_profile(ssl);
    return profile == NULL ? 0 : (uint16_t)profile->id;
}
