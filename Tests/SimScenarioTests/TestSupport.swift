import Foundation
import SimCore
import SimFaults
import SimTestKit
import Testing
@testable import SimScenario

/// The text of a fixture scenario file.
func fixture(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    return try String(contentsOf: url, encoding: .utf8)
}

/// The commands among `actions`, in order.
func commands(_ actions: [ScenarioEngineAction]) -> [ScenarioCommand] {
    actions.compactMap { action -> ScenarioCommand? in
        guard case .command(let command) = action else { return nil }
        return command
    }
}
