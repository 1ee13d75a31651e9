#ifndef C_SIM_NICE_H
#define C_SIM_NICE_H
/* libnice/GLib trampolines, owned by `ICEAgent` in SimMedia (the only caller).
 *
 * One `c_sim_nice_agent` = one NiceAgent (RFC 5245 compatibility, trickle ICE, UDP only, no UPnP) on its own
 * GMainContext, driven by one dedicated thread running a GMainLoop, with exactly one stream of one component
 * (BUNDLE + rtcp-mux: everything rides on component 1).
 *
 * Events: every libnice signal and the receive callback go to ONE plain C callback registered at creation.
 * The `bytes` pointer is valid only for the duration of the call: the callee must copy it and return quickly
 * without calling back into this agent. Callbacks fire on two threads (see toolchain notes): ones caused by an
 * API call (host `new-candidate-full`, `candidate-gathering-done`) synchronously on the calling thread; ones
 * caused by the network (state changes, datagrams) on the agent's loop thread. libnice's own lock is never held
 * while the callback runs.
 *
 * GLib-free on purpose: Swift sees only plain C types and an opaque handle. */
#include <stddef.h>
#include <stdint.h>

/* Opaque agent handle. */
typedef struct c_sim_nice_agent c_sim_nice_agent;

/* Event kinds passed as `kind` to the callback. */
enum {
    /* A local candidate was gathered: `bytes`/`length` is its SDP attribute ("a=candidate:…", no CRLF),
     * NUL-terminated at bytes[length]. */
    C_SIM_NICE_EVENT_LOCAL_CANDIDATE = 1,
    /* Local candidate gathering finished. */
    C_SIM_NICE_EVENT_GATHERING_DONE = 2,
    /* The component state changed: `value` is one of C_SIM_NICE_STATE_*. */
    C_SIM_NICE_EVENT_STATE_CHANGED = 3,
    /* A datagram arrived on the selected pair: `bytes`/`length`. */
    C_SIM_NICE_EVENT_DATAGRAM_RECEIVED = 4,
};

/* Component states (the values of libnice's NiceComponentState, checked at compile time). */
enum {
    C_SIM_NICE_STATE_DISCONNECTED = 0,
    C_SIM_NICE_STATE_GATHERING = 1,
    C_SIM_NICE_STATE_CONNECTING = 2,
    C_SIM_NICE_STATE_CONNECTED = 3,
    C_SIM_NICE_STATE_READY = 4,
    C_SIM_NICE_STATE_FAILED = 5,
};

/* The one event callback. `user_data` is the pointer given to c_sim_nice_agent_new; it must stay valid until
 * c_sim_nice_agent_free has returned. `bytes` is NULL when `length` is 0. */
typedef void (*c_sim_nice_event_callback)(void *user_data, int kind, int value, const uint8_t *bytes, size_t length);

/* Creates the agent and its context, connects the signals and starts the loop thread (named "sfusim-ice"); returns
 * once the loop runs. `controlling` is 0 or 1 (the ICE role). Returns NULL on failure (nothing is left behind). */
c_sim_nice_agent *c_sim_nice_agent_new(int controlling, c_sim_nice_event_callback callback, void *user_data);

/* Restricts gathering to this IP address (IPv4 or IPv6 literal). Call before c_sim_nice_agent_gather.
 * Returns 1 on success, 0 if the string is not an IP address or libnice refused it. */
int c_sim_nice_agent_add_local_address(c_sim_nice_agent *agent, const char *address);

/* Adds the single stream (one component), sets its local port range (0, 0 = any port) and attaches the receive
 * callback to the agent's context. Call once, before the other stream calls. Returns 1 on success, 0 on failure. */
int c_sim_nice_agent_add_stream(c_sim_nice_agent *agent, uint16_t port_min, uint16_t port_max);

/* The stream's local ICE credentials as newly allocated strings; free each with c_sim_nice_string_free.
 * Returns 1 on success, 0 on failure (then both outputs are NULL). */
int c_sim_nice_agent_get_local_credentials(c_sim_nice_agent *agent, char **ufrag, char **pwd);

/* Frees a string returned by this header's functions. NULL is allowed. */
void c_sim_nice_string_free(char *string);

/* Sets the peer's ICE credentials. Returns 1 on success, 0 on failure. */
int c_sim_nice_agent_set_remote_credentials(c_sim_nice_agent *agent, const char *ufrag, const char *pwd);

/* ICE restart (RFC 8445 §9) of the stream: libnice forgets remote candidates and checks and restarts them, keeps
 * its local candidates, and takes `ufrag`/`pwd` as the new local credentials. Returns 1 on success, 0 otherwise. */
int c_sim_nice_agent_restart(c_sim_nice_agent *agent, const char *ufrag, const char *pwd);

/* Starts gathering local candidates. Host candidates are reported synchronously on the calling thread.
 * Returns 1 on success, 0 on failure. */
int c_sim_nice_agent_gather(c_sim_nice_agent *agent);

/* Parses one remote candidate in SDP attribute form ("a=candidate:…", no CRLF) and adds it to the stream.
 * Returns 1 if added, 0 if libnice could not parse it, -1 if it names a component other than 1, -2 if the
 * agent did not accept it (e.g. a TCP candidate while ICE-TCP is off). */
int c_sim_nice_agent_add_remote_candidate_sdp(c_sim_nice_agent *agent, const char *line);

/* Tells the agent the peer sent end-of-candidates (trickle ICE). Returns 1 on success, 0 on failure. */
int c_sim_nice_agent_end_of_remote_candidates(c_sim_nice_agent *agent);

/* Sends one datagram on the selected pair. Returns the bytes sent (0 for an empty datagram, which is not sent),
 * or -1 (no selected pair yet, or the socket would block / failed). */
int c_sim_nice_agent_send(c_sim_nice_agent *agent, const uint8_t *bytes, size_t length);

/* Stops and frees the agent: stops event delivery, quits the loop, joins the loop thread, detaches the signal
 * handlers and the receive callback, unrefs the agent (closing its sockets), then the context. After it returns
 * no callback runs and `user_data` is no longer used. Safe from any thread except the loop thread itself, which
 * cannot join itself: called there it does nothing and returns -1. Returns 0 on success. */
int c_sim_nice_agent_free(c_sim_nice_agent *agent);

#endif
