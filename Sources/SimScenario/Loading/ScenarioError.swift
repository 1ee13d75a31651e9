/// One problem in a scenario file, with where it is and, when we can tell, how to fix it.
public struct ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public var file: String
    /// Line, from 1.
    public var line: Int
    /// Column, from 1.
    public var column: Int
    /// What is wrong.
    public var message: String
    /// How to fix it, if known.
    public var hint: String?

    /// An error.
    public init(file: String, line: Int, column: Int, message: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }

    /// `file:line:column: error: message (hint: …)`, the format compilers use so editors can jump to it.
    public var description: String {
        "\(file):\(line):\(column): error: \(message)" + (hint.map { " (hint: \($0))" } ?? "")
    }
}

/// Loading failed: every problem found, in file order.
public struct ScenarioLoadFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems (never empty).
    public var errors: [ScenarioError]

    /// A failure.
    public init(errors: [ScenarioError]) { self.errors = errors }

    /// One line per error.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
