/* libnice/GLib trampolines behind c_sim_nice.h. One agent, one GMainContext, one loop thread, one stream. */
#include "CSimShims.h"
#include <nice/agent.h>
#include <string.h>
#include <sys/socket.h>

_Static_assert(C_SIM_NICE_STATE_DISCONNECTED == NICE_COMPONENT_STATE_DISCONNECTED, "state value");
_Static_assert(C_SIM_NICE_STATE_GATHERING == NICE_COMPONENT_STATE_GATHERING, "state value");
_Static_assert(C_SIM_NICE_STATE_CONNECTING == NICE_COMPONENT_STATE_CONNECTING, "state value");
_Static_assert(C_SIM_NICE_STATE_CONNECTED == NICE_COMPONENT_STATE_CONNECTED, "state value");
_Static_assert(C_SIM_NICE_STATE_READY == NICE_COMPONENT_STATE_READY, "state value");
_Static_assert(C_SIM_NICE_STATE_FAILED == NICE_COMPONENT_STATE_FAILED, "state value");

/* BUNDLE + rtcp-mux: the one stream has one component. */
#define C_SIM_NICE_COMPONENT 1u

/* The receive buffer asked for on the selected pair's socket (the kernel caps it at net.core.rmem_max): bursts of
 * data-channel traffic otherwise overflow the default (~208 KiB) before the event pump reads them. */
#define C_SIM_NICE_RECEIVE_BUFFER (4 * 1024 * 1024)

struct c_sim_nice_agent {
    GMainContext *context;
    GMainLoop *loop;
    GThread *thread;
    NiceAgent *agent;
    guint stream_id;                       /* 0 until c_sim_nice_agent_add_stream succeeds */
    c_sim_nice_event_callback callback;
    void *user_data;
    gint closing;                          /* atomic: 1 once c_sim_nice_agent_free started; events are dropped */
    GMutex start_mutex;
    GCond start_cond;
    gboolean started;
};

static void deliver(c_sim_nice_agent *a, int kind, int value, const uint8_t *bytes, size_t length) {
    if (g_atomic_int_get(&a->closing)) return;
    a->callback(a->user_data, kind, value, bytes, length);
}

/* ---- signal trampolines: copy nothing themselves, the callee copies before returning ---- */

static void on_new_candidate_full(NiceAgent *agent, NiceCandidate *candidate, gpointer data) {
    c_sim_nice_agent *a = data;
    if (g_atomic_int_get(&a->closing) || candidate == NULL) return;
    /* Signals are emitted after libnice released its lock (agent_unlock_and_emit), so this call cannot deadlock. */
    gchar *sdp = nice_agent_generate_local_candidate_sdp(agent, candidate);
    if (sdp == NULL) return;
    deliver(a, C_SIM_NICE_EVENT_LOCAL_CANDIDATE, (int)candidate->component_id, (const uint8_t *)sdp, strlen(sdp));
    g_free(sdp);
}

static void on_candidate_gathering_done(NiceAgent *agent, guint stream_id, gpointer data) {
    (void)agent;
    (void)stream_id;
    deliver(data, C_SIM_NICE_EVENT_GATHERING_DONE, 0, NULL, 0);
}

static void on_component_state_changed(NiceAgent *agent, guint stream_id, guint component_id, guint state,
                                       gpointer data) {
    (void)component_id;
    if (state == NICE_COMPONENT_STATE_READY && !g_atomic_int_get(&((c_sim_nice_agent *)data)->closing)) {
        GSocket *socket = nice_agent_get_selected_socket(agent, stream_id, C_SIM_NICE_COMPONENT);
        if (socket != NULL) {
            int size = C_SIM_NICE_RECEIVE_BUFFER;
            (void)setsockopt(g_socket_get_fd(socket), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
            g_object_unref(socket);
        }
    }
    deliver(data, C_SIM_NICE_EVENT_STATE_CHANGED, (int)state, NULL, 0);
}

static void on_receive(NiceAgent *agent, guint stream_id, guint component_id, guint length, gchar *buffer,
                       gpointer data) {
    (void)agent;
    (void)stream_id;
    (void)component_id;
    deliver(data, C_SIM_NICE_EVENT_DATAGRAM_RECEIVED, 0, (const uint8_t *)buffer, (size_t)length);
}

/* ---- the loop thread ---- */

static gboolean on_loop_started(gpointer data) {
    c_sim_nice_agent *a = data;
    g_mutex_lock(&a->start_mutex);
    a->started = TRUE;
    g_cond_signal(&a->start_cond);
    g_mutex_unlock(&a->start_mutex);
    return G_SOURCE_REMOVE;
}

static gpointer run_loop(gpointer data) {
    c_sim_nice_agent *a = data;
    g_main_context_push_thread_default(a->context);
    /* Runs inside g_main_loop_run: once it fired, a later g_main_loop_quit cannot be lost. */
    GSource *idle = g_idle_source_new();
    g_source_set_callback(idle, on_loop_started, a, NULL);
    g_source_attach(idle, a->context);
    g_source_unref(idle);
    g_main_loop_run(a->loop);
    g_main_context_pop_thread_default(a->context);
    return NULL;
}

/* ---- lifecycle ---- */

c_sim_nice_agent *c_sim_nice_agent_new(int controlling, c_sim_nice_event_callback callback, void *user_data) {
    if (callback == NULL) return NULL;
    c_sim_nice_agent *a = g_new0(c_sim_nice_agent, 1);
    a->callback = callback;
    a->user_data = user_data;
    g_mutex_init(&a->start_mutex);
    g_cond_init(&a->start_cond);
    a->context = g_main_context_new();
    a->agent = nice_agent_new_full(a->context, NICE_COMPATIBILITY_RFC5245, NICE_AGENT_OPTION_ICE_TRICKLE);
    if (a->agent == NULL) {
        g_main_context_unref(a->context);
        g_mutex_clear(&a->start_mutex);
        g_cond_clear(&a->start_cond);
        g_free(a);
        return NULL;
    }
    g_object_set(G_OBJECT(a->agent),
                 "upnp", FALSE,
                 "ice-tcp", FALSE,
                 "ice-udp", TRUE,
                 "controlling-mode", controlling ? TRUE : FALSE,
                 NULL);
    g_signal_connect(a->agent, "new-candidate-full", G_CALLBACK(on_new_candidate_full), a);
    g_signal_connect(a->agent, "candidate-gathering-done", G_CALLBACK(on_candidate_gathering_done), a);
    g_signal_connect(a->agent, "component-state-changed", G_CALLBACK(on_component_state_changed), a);

    a->loop = g_main_loop_new(a->context, FALSE);
    a->thread = g_thread_new("sfusim-ice", run_loop, a);
    g_mutex_lock(&a->start_mutex);
    while (!a->started) g_cond_wait(&a->start_cond, &a->start_mutex);
    g_mutex_unlock(&a->start_mutex);
    return a;
}

int c_sim_nice_agent_free(c_sim_nice_agent *a) {
    if (a == NULL) return 0;
    if (g_thread_self() == a->thread) return -1;
    /* The close cascade, in order. */
    g_atomic_int_set(&a->closing, 1);                /* 1. no more events reach the callback */
    g_main_loop_quit(a->loop);                       /* 2. stop the loop (wakes the context) */
    g_thread_join(a->thread);                        /* 3. no network-caused callback can run after this */
    if (a->stream_id != 0) {                         /* 4. detach our trampolines from the agent */
        nice_agent_attach_recv(a->agent, a->stream_id, C_SIM_NICE_COMPONENT, a->context, NULL, NULL);
    }
    g_signal_handlers_disconnect_by_data(a->agent, a);
    g_object_unref(a->agent);                        /* 5. the agent closes its sockets and sources */
    g_main_loop_unref(a->loop);
    g_main_context_unref(a->context);                /* 6. then the context */
    g_mutex_clear(&a->start_mutex);
    g_cond_clear(&a->start_cond);
    g_free(a);
    return 0;
}

/* ---- configuration ---- */

int c_sim_nice_agent_add_local_address(c_sim_nice_agent *a, const char *address) {
    if (a == NULL || address == NULL) return 0;
    NiceAddress nice_address;
    nice_address_init(&nice_address);
    if (!nice_address_set_from_string(&nice_address, address)) return 0;
    return nice_agent_add_local_address(a->agent, &nice_address) ? 1 : 0;
}

int c_sim_nice_agent_add_stream(c_sim_nice_agent *a, uint16_t port_min, uint16_t port_max) {
    if (a == NULL || a->stream_id != 0) return 0;
    guint stream_id = nice_agent_add_stream(a->agent, 1);
    if (stream_id == 0) return 0;
    if (port_min != 0 || port_max != 0) {
        nice_agent_set_port_range(a->agent, stream_id, C_SIM_NICE_COMPONENT, port_min, port_max);
    }
    if (!nice_agent_attach_recv(a->agent, stream_id, C_SIM_NICE_COMPONENT, a->context, on_receive, a)) {
        nice_agent_remove_stream(a->agent, stream_id);
        return 0;
    }
    a->stream_id = stream_id;
    return 1;
}

int c_sim_nice_agent_get_local_credentials(c_sim_nice_agent *a, char **ufrag, char **pwd) {
    if (ufrag) *ufrag = NULL;
    if (pwd) *pwd = NULL;
    if (a == NULL || a->stream_id == 0 || ufrag == NULL || pwd == NULL) return 0;
    gchar *u = NULL, *p = NULL;
    if (!nice_agent_get_local_credentials(a->agent, a->stream_id, &u, &p)) return 0;
    *ufrag = u;
    *pwd = p;
    return 1;
}

void c_sim_nice_string_free(char *string) {
    g_free(string);
}

int c_sim_nice_agent_set_remote_credentials(c_sim_nice_agent *a, const char *ufrag, const char *pwd) {
    if (a == NULL || a->stream_id == 0 || ufrag == NULL || pwd == NULL) return 0;
    return nice_agent_set_remote_credentials(a->agent, a->stream_id, ufrag, pwd) ? 1 : 0;
}

int c_sim_nice_agent_restart(c_sim_nice_agent *a, const char *ufrag, const char *pwd) {
    if (a == NULL || a->stream_id == 0 || ufrag == NULL || pwd == NULL) return 0;
    if (!nice_agent_restart_stream(a->agent, a->stream_id)) return 0;
    return nice_agent_set_local_credentials(a->agent, a->stream_id, ufrag, pwd) ? 1 : 0;
}

int c_sim_nice_agent_gather(c_sim_nice_agent *a) {
    if (a == NULL || a->stream_id == 0) return 0;
    return nice_agent_gather_candidates(a->agent, a->stream_id) ? 1 : 0;
}

int c_sim_nice_agent_add_remote_candidate_sdp(c_sim_nice_agent *a, const char *line) {
    if (a == NULL || a->stream_id == 0 || line == NULL) return 0;
    NiceCandidate *candidate = nice_agent_parse_remote_candidate_sdp(a->agent, a->stream_id, line);
    if (candidate == NULL) return 0;
    if (candidate->component_id != C_SIM_NICE_COMPONENT) {
        nice_candidate_free(candidate);
        return -1;
    }
    GSList *list = g_slist_append(NULL, candidate);
    int added = nice_agent_set_remote_candidates(a->agent, a->stream_id, C_SIM_NICE_COMPONENT, list);
    g_slist_free(list);
    nice_candidate_free(candidate);
    return added > 0 ? 1 : -2;
}

int c_sim_nice_agent_end_of_remote_candidates(c_sim_nice_agent *a) {
    if (a == NULL || a->stream_id == 0) return 0;
    return nice_agent_peer_candidate_gathering_done(a->agent, a->stream_id) ? 1 : 0;
}

/* ---- data path ---- */

int c_sim_nice_agent_send(c_sim_nice_agent *a, const uint8_t *bytes, size_t length) {
    if (a == NULL || a->stream_id == 0 || (bytes == NULL && length != 0) || length > G_MAXUINT) return -1;
    if (length == 0) return 0; /* nothing to send (libnice refuses a NULL buffer) */
    return nice_agent_send(a->agent, a->stream_id, C_SIM_NICE_COMPONENT, (guint)length, (const gchar *)bytes);
}
