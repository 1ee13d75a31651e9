import ArgumentParser

/// `sfusim`: a local SFU-compatible test server and protocol simulator.
@main
struct SFUSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sfusim",
        abstract: "A local LiveKit-compatible SFU test server and protocol simulator.",
        subcommands: [Serve.self, Token.self, Validate.self, Run.self, Scenarios.self],
        defaultSubcommand: Serve.self
    )
}
