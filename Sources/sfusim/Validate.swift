import ArgumentParser
import Foundation
import SimScenario

/// `sfusim validate FILE…`: checks scenario files without running them.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check scenario files (YAML or JSON) without running them.",
        discussion: "Prints every mistake as file:line:column: error: message (hint: …). Exit status 0 when all files are valid, 2 otherwise."
    )

    @Argument(help: "Scenario files (.yaml, .yml or .json).")
    var files: [String]

    func run() throws {
        var failed = false
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("\(path): error: cannot read the file\n".utf8))
                failed = true
                continue
            }
            let text = String(decoding: data, as: UTF8.self)
            let errors = ScenarioLoader.validate(text, file: path, format: ScenarioFormat(path: path))
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
