/// The SimTestKit layer; see docs/architecture.md.
enum SimTestKitLayer {}
