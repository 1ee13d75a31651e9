#ifndef C_SIM_OPENSSL_H
#define C_SIM_OPENSSL_H
/* OpenSSL macro wrappers (owned by the DTLS state machine in SimMedia). */
#endif
