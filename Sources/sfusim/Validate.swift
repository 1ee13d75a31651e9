import ArgumentParser
import Foundation
import SimScenario

/// `sfusim validate FILE…`: checks scenario files without running them.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check scenario files (YAML or JSON) without running them.",
        discussion: "Prints every mistake as file:line:column: error: message (hint: …). Exit status 0 when all files are valid, 2 otherwise."
    )

    @Argument(help: "Scenario files (.yaml, .yml or .json) or built-in scenario names.")
    var files: [String]

    func run() throws {
        var failed = false
        for path in files {
            guard let source = ScenarioSource.read(path) else {
                FileHandle.standardError.write(Data("\(path): error: cannot read the file (nor is it a built-in scenario name)\n".utf8))
                failed = true
                continue
            }
            let errors = ScenarioLoader.validate(source.text, file: source.file, format: source.format)
            if errors.isEmpty {
                print("\(path): ok")
            } else {
                failed = true
                for error in errors { FileHandle.standardError.write(Data("\(error)\n".utf8)) }
            }
        }
        if failed { throw ExitCode(2) }
    }
}
