import Yams

/// Collects every problem found while decoding one file, so the loader reports them all at once.
/// Local to one `ScenarioLoader` call; never shared.
final class Diagnostics {
    /// The file name errors carry.
    let file: String
    /// Errors in the order they were found.
    private(set) var errors: [ScenarioError] = []

    /// A collector for `file`.
    init(file: String) { self.file = file }

    /// Records `message` at `node`'s start (1:1 when it has no mark).
    func report(_ message: String, at node: Node?, hint: String? = nil) {
        report(message, at: node?.mark, hint: hint)
    }

    /// Records `message` at `mark` (1:1 when nil).
    func report(_ message: String, at mark: Mark?, hint: String? = nil) {
        errors.append(ScenarioError(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message, hint: hint))
    }

    /// Where `node` starts.
    func location(of node: Node) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    /// The errors in file order (stable for errors at the same place).
    var sortedErrors: [ScenarioError] {
        errors.enumerated().sorted { lhs, rhs in
            (lhs.element.line, lhs.element.column, lhs.offset) < (rhs.element.line, rhs.element.column, rhs.offset)
        }.map(\.element)
    }
}

/// How a node looks in an error message: `a list`, `a mapping`, `null`, `integer 5`, `string "abc"`.
func describe(_ node: Node) -> String {
    if node.sequence != nil { return "a list" }
    if node.mapping != nil { return "a mapping" }
    guard let scalar = node.scalar else { return "a value" }
    if isNull(scalar) { return "null" }
    if scalar.style == .plain {
        if Int(scalar.string) != nil { return "integer \(scalar.string)" }
        if Double(scalar.string) != nil { return "number \(scalar.string)" }
        if scalar.string == "true" || scalar.string == "false" { return "boolean \(scalar.string)" }
    }
    return "string \"\(scalar.string)\""
}

/// Whether a scalar is YAML's null (`~`, `null`, or nothing), unquoted.
func isNull(_ scalar: Node.Scalar) -> Bool {
    scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
}

/// `did you mean "x"?` for the nearest candidate, else a list of them (`label: a, b, c`).
func suggestionHint(for word: String, among candidates: [String], label: String) -> String {
    if let near = EditDistance.closest(to: word, among: candidates) { return "did you mean \"\(near)\"?" }
    return "\(label): \(candidates.joined(separator: ", "))"
}
