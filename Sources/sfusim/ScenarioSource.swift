import Foundation
import SimScenario

/// A scenario named on the command line: a file path, or the name of a built-in scenario.
struct ScenarioSource {
    var text: String
    var file: String
    var format: ScenarioFormat

    /// Reads `argument` as a file, else as a built-in name; nil when it is neither.
    static func read(_ argument: String) -> ScenarioSource? {
        if let data = FileManager.default.contents(atPath: argument) {
            return ScenarioSource(text: String(decoding: data, as: UTF8.self), file: argument, format: ScenarioFormat(path: argument))
        }
        guard let text = BuiltInScenarios.text(named: argument) else { return nil }
        return ScenarioSource(text: text, file: "\(argument).yaml", format: .yaml)
    }
}
