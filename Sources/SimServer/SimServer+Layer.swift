/// The SimServer layer; see docs/architecture.md.
enum SimServerLayer {}
