#ifndef C_SIM_NICE_H
#define C_SIM_NICE_H
/* libnice/GLib trampolines (owned by the ICE agent wrapper in SimMedia). */
#endif
