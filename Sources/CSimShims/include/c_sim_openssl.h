#ifndef C_SIM_OPENSSL_H
#define C_SIM_OPENSSL_H
/* OpenSSL macro wrappers and helpers for the DTLS state machine in SimMedia (DTLSStateMachine,
 * DTLSCertificate). OpenSSL types are forward-declared so this header stays free of OpenSSL includes;
 * Swift sees the handles as OpaquePointer, the same as through CSimOpenSSL. */
#include <stddef.h>
#include <stdint.h>

struct ssl_st;
struct ssl_ctx_st;
struct x509_st;
struct evp_pkey_st;

/* Generates an ECDSA P-256 key (EVP_EC_gen) and a self-signed X.509 v3 certificate for it: SHA-256
 * signature, subject = issuer = CN=common_name, random 63-bit serial, valid from one day ago for
 * validity_days days. On success returns 1 and stores both objects (the caller owns them and frees
 * them with EVP_PKEY_free / X509_free); on failure returns 0 and stores nothing. */
int c_sim_openssl_generate_self_signed(const char *common_name, int validity_days,
                                       struct evp_pkey_st **out_key, struct x509_st **out_cert);

/* Configures a DTLS SSL_CTX for DTLS-SRTP (RFC 5764): DTLS 1.2 minimum, SSL_OP_NO_QUERY_MTU (the link
 * MTU is set by hand) and SSL_OP_NO_TICKET, peer certificate required and accepted whatever its chain
 * (WebRTC certificates are self-signed: the caller compares the SHA-256 fingerprint afterwards), and the
 * colon-separated SRTP profile list (e.g. "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80").
 * Returns 1 on success, 0 on failure. */
int c_sim_openssl_dtls_ctx_configure(struct ssl_ctx_st *ctx, const char *srtp_profiles);

/* DTLS_set_link_mtu (a macro). Returns 1 on success, 0 if the MTU is below OpenSSL's minimum. */
int c_sim_openssl_dtls_set_link_mtu(struct ssl_st *ssl, long mtu);

/* DTLSv1_get_timeout (a macro): returns 1 and the remaining time in microseconds (0 = expired) when
 * the retransmission timer runs, 0 when it does not. */
int c_sim_openssl_dtls_get_timeout(struct ssl_st *ssl, int64_t *remaining_us);

/* DTLSv1_handle_timeout (a macro): 1 if a flight was retransmitted, 0 if the timer had not expired
 * (by OpenSSL's own wall clock), -1 on error (e.g. too many retransmissions). */
int c_sim_openssl_dtls_handle_timeout(struct ssl_st *ssl);

/* The id of the negotiated DTLS-SRTP protection profile (RFC 5764 §4.1.2, e.g. 0x0001, 0x0007),
 * or 0 when none was negotiated. */
uint16_t c_sim_openssl_selected_srtp_profile(struct ssl_st *ssl);

/* HMAC-SHA1 (RFC 2104) whose key's inner and outer SHA-1 states are computed once, so each MAC is two SHA-1
 * passes over the data and allocates nothing (SRTP's per-packet tag, RFC 3711 §4.2.1). Opaque to Swift. */
typedef struct c_sim_hmac_sha1 c_sim_hmac_sha1;

/* The state for key (any length; longer than 64 bytes is hashed first). NULL on failure. Free with
 * c_sim_hmac_sha1_free, which wipes it. */
c_sim_hmac_sha1 *c_sim_hmac_sha1_new(const uint8_t *key, size_t key_length);

/* Wipes and frees the state; NULL is ignored. */
void c_sim_hmac_sha1_free(c_sim_hmac_sha1 *hmac);

/* HMAC-SHA1 of data || trailer (either may be empty) into digest (20 bytes). Returns 1 on success, 0 on
 * failure or a NULL argument. Thread-safe for concurrent calls on one state (the state is only read). */
int c_sim_hmac_sha1_compute(const c_sim_hmac_sha1 *hmac, const uint8_t *data, size_t length,
                            const uint8_t *trailer, size_t trailer_length, uint8_t *digest);

#endif
