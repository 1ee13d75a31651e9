import ArgumentParser
import SimScenario

/// `sfusim scenarios`: the built-in race catalogue.
struct Scenarios: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the built-in scenarios (the race catalogue) with their summaries.")

    @Option(help: "Print one scenario's YAML instead of the list.")
    var show: String?

    func run() throws {
        if let show {
            guard let text = BuiltInScenarios.text(named: show) else {
                throw ValidationError("no built-in scenario \(show); `sfusim scenarios` lists them")
            }
            print(text, terminator: "")
            return
        }
        for name in BuiltInScenarios.names {
            let summary = (try? BuiltInScenarios.load(named: name))??.summary ?? ""
            print("\(name)\n    \(summary)")
        }
    }
}
