/// A bound on how deeply a scenario text nests, checked before the YAML parser sees it: the parser builds its node
/// tree recursively, and a text nested thousands of levels deep (`[[[[…`, `{b: {b: …`, `- - - - …`) would
/// overflow the stack and take the whole server down. The estimate never undercounts: on each line, the open flow
/// brackets (outside quoted scalars) plus the indentation plus the block-sequence dashes that start it.
enum NestingLimit {
    /// The deepest nesting accepted; real scenarios stay under ten.
    static let maximumDepth = 128

    /// Where the text first nests deeper than `limit` (1-based line and column), if it does.
    static func firstTooDeep(_ text: String, limit: Int = maximumDepth) -> (line: Int, column: Int)? {
        var flowDepth = 0
        var line = 1
        var column = 0
        var lineStart = true
        var indentation = 0
        var dashes = 0
        var quote: Character?
        var escaped = false
        /// The last character before this one on the line that is not a space (nil at a line's start).
        var previous: Character?
        for character in text {
            column += 1
            if character == "\n" {
                line += 1
                column = 0
                lineStart = true
                indentation = 0
                dashes = 0
                escaped = false
                previous = nil
                if quote == "'" || quote == "\"" { continue }  // multi-line quoted scalars go on
                continue
            }
            if let open = quote {
                if escaped {
                    escaped = false
                } else if character == "\\", open == "\"" {
                    escaped = true
                } else if character == open {
                    quote = nil
                }
                continue
            }
            if lineStart {
                if character == " " {
                    indentation += 1
                } else if character == "-" || character == "?" {
                    dashes += 1  // "- - - x": each dash opens a nested sequence (the spaces count as indentation)
                } else {
                    lineStart = false
                }
            }
            defer { if character != " " { previous = character } }
            switch character {
            case "\"", "'":
                // A quote opens a scalar only where a scalar can start; inside a plain scalar (`bob's`) it is text.
                if previous == nil || ":-[{,?".contains(previous!) { quote = character }
            case "#": if lineStart || column == 1 { lineStart = false }
            case "[", "{": flowDepth += 1
            case "]", "}": flowDepth = max(0, flowDepth - 1)
            default: break
            }
            if flowDepth + indentation + dashes > limit { return (line, column) }
        }
        return nil
    }
}
