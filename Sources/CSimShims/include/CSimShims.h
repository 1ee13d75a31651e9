#ifndef C_SIM_SHIMS_H
#define C_SIM_SHIMS_H
/* The one plain-C target: wrappers for what Swift cannot import (varargs, macros, GLib signals).
 * These public headers are GLib-free on purpose: Swift sees only plain C types. */
#include <stddef.h>
#include <stdint.h>

/* Creates a libnice agent on a private GMainContext, adds one stream, frees both.
 * Returns the stream id (> 0) on success, 0 on failure. Proves libnice, GLib and GObject link. */
unsigned int c_sim_nice_probe(void);

/* OpenSSL's runtime version string (OpenSSL_version(OPENSSL_VERSION)). */
const char *c_sim_openssl_version(void);

/* Creates a DTLS server SSL_CTX with DTLS-SRTP profiles set and frees it.
 * Returns 1 on success, 0 on failure. Proves libssl/libcrypto link and the macro wrappers work. */
int c_sim_openssl_dtls_probe(void);

#include "c_sim_nice.h"
#include "c_sim_openssl.h"

#endif
