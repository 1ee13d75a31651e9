#include "CSimShims.h"
#include <nice/agent.h>
#include <openssl/ssl.h>
#include <openssl/crypto.h>

unsigned int c_sim_nice_probe(void) {
    GMainContext *context = g_main_context_new();
    NiceAgent *agent = nice_agent_new_full(context, NICE_COMPATIBILITY_RFC5245, NICE_AGENT_OPTION_ICE_TRICKLE);
    if (agent == NULL) {
        g_main_context_unref(context);
        return 0;
    }
    g_object_set(G_OBJECT(agent), "upnp", FALSE, NULL);
    guint stream = nice_agent_add_stream(agent, 1);
    g_object_unref(agent);
    g_main_context_unref(context);
    return stream;
}

const char *c_sim_openssl_version(void) {
    return OpenSSL_version(OPENSSL_VERSION);
}

int c_sim_openssl_dtls_probe(void) {
    SSL_CTX *ctx = SSL_CTX_new(DTLS_server_method());
    if (ctx == NULL) return 0;
    /* SSL_CTX_set_tlsext_use_srtp returns 0 on success. */
    int ok = SSL_CTX_set_tlsext_use_srtp(ctx, "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80") == 0;
    ok = ok && SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) == 1;
    SSL_CTX_free(ctx);
    return ok ? 1 : 0;
}
