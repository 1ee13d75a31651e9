import Yams

/// The syntax a scenario arrives in.
public enum ScenarioFormat: Sendable, Equatable {
    /// YAML (files).
    case yaml
    /// JSON (the admin API, or `.json` files).
    case json

    /// `.json` for paths ending in `.json`, YAML otherwise.
    public init(path: String) {
        self = path.lowercased().hasSuffix(".json") ? .json : .yaml
    }
}

/// Loads and validates scenario text (YAML or JSON) strictly: unknown keys, wrong types, bad units, unknown event
/// kinds, actions and messages, and out-of-range values are all errors with `file:line:column` and a hint, and
/// every error in the file is reported, not just the first. Does no I/O: the caller reads the file.
public enum ScenarioLoader {
    /// The scenario in `text`, or every problem found.
    /// - Parameters:
    ///   - text: The file's contents.
    ///   - file: The name used in error locations (a path, or e.g. `<admin>`).
    ///   - format: YAML or JSON. JSON goes through the same YAML parser (JSON is YAML 1.2 flow syntax), so its
    ///     errors carry lines and columns too.
    /// - Throws: `ScenarioLoadFailure` with every error, in file order.
    public static func load(_ text: String, file: String, format: ScenarioFormat = .yaml) throws(ScenarioLoadFailure) -> Scenario {
        let (scenario, errors) = decode(text, file: file, format: format)
        guard let scenario, errors.isEmpty else { throw ScenarioLoadFailure(errors: errors) }
        return scenario
    }

    /// Every problem in `text` (empty when it is a valid scenario): what `sfusim validate` prints.
    public static func validate(_ text: String, file: String, format: ScenarioFormat = .yaml) -> [ScenarioError] {
        decode(text, file: file, format: format).errors
    }

    private static func decode(_ text: String, file: String, format: ScenarioFormat) -> (scenario: Scenario?, errors: [ScenarioError]) {
        let diagnostics = Diagnostics(file: file)
        var source = text
        if format == .json {
            if let (line, column, character) = firstSignificantCharacter(text), character != "{" {
                return (nil, [ScenarioError(file: file, line: line, column: column, message: "a JSON scenario must be an object",
                                            hint: "start the file with {")])
            }
            // JSON allows tabs between tokens where YAML does not; a tab is never valid inside a JSON string, so
            // turning every tab into one space changes no meaning and keeps every column.
            source = text.replacingOccurrences(of: "\t", with: " ")
        }
        if let (line, column) = NestingLimit.firstTooDeep(source) {
            return (nil, [ScenarioError(file: file, line: line, column: column,
                                        message: "nested deeper than \(NestingLimit.maximumDepth) levels",
                                        hint: "a scenario needs only a few levels of mappings and lists")])
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: source)
        } catch {
            report(error, to: diagnostics)
            return (nil, diagnostics.sortedErrors)
        }
        guard let root else {
            return (nil, [ScenarioError(file: file, line: 1, column: 1, message: "empty scenario file",
                                        hint: "a scenario needs at least a name, e.g. name: my-scenario")])
        }
        let scenario = ScenarioDecoder(diagnostics: diagnostics).scenario(from: root)
        let errors = diagnostics.sortedErrors
        return (errors.isEmpty ? scenario : nil, errors)
    }

    private static func report(_ error: any Error, to diagnostics: Diagnostics) {
        guard let yamlError = error as? YamlError else {
            diagnostics.report("cannot parse: \(error)", at: nil as Mark?)
            return
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var hint = context.map { "\($0.text) starting at line \($0.mark.line), column \($0.mark.column)" }
            if problem.contains("tab") { hint = "indent with spaces, not tabs" }
            if problem.contains("cannot start any token") { hint = "quote values that start with @ or `" }
            diagnostics.report("YAML syntax error: \(problem)", at: mark, hint: hint)
        case .reader(let problem, _, _, _):
            diagnostics.report("cannot read the file: \(problem)", at: nil as Mark?)
        default:
            diagnostics.report("cannot parse: \(yamlError)", at: nil as Mark?)
        }
    }

    private static func firstSignificantCharacter(_ text: String) -> (Int, Int, Character)? {
        var line = 1, column = 1
        for character in text {
            if character == "\n" { line += 1; column = 1; continue }
            if character.isWhitespace { column += 1; continue }
            return (line, column, character)
        }
        return nil
    }
}
