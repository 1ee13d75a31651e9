import SimFaults
import Yams

/// Typed reads of single YAML/JSON values; each reports a precise error (and returns nil) on a mismatch.
enum NodeValue {
    /// The hint for every bad duration.
    static let durationHint = "use ms or s, e.g. 500ms"

    /// A non-null scalar's text.
    static func string(_ node: Node, field: String, _ diagnostics: Diagnostics) -> String? {
        guard let scalar = node.scalar, !isNull(scalar) else {
            diagnostics.report("\"\(field)\" must be a string, got \(describe(node))", at: node)
            return nil
        }
        return scalar.string
    }

    /// An unquoted integer, optionally within `range`.
    static func int(_ node: Node, field: String, range: ClosedRange<Int>? = nil, _ diagnostics: Diagnostics) -> Int? {
        guard let scalar = node.scalar, scalar.style == .plain, let value = Int(scalar.string) else {
            diagnostics.report("\"\(field)\" must be an integer, got \(describe(node))", at: node)
            return nil
        }
        if let range, !range.contains(value) {
            let bounds = range.upperBound == .max ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
            diagnostics.report("\"\(field)\" must be \(bounds), got \(value)", at: node)
            return nil
        }
        return value
    }

    /// An unquoted `true` or `false`.
    static func bool(_ node: Node, field: String, _ diagnostics: Diagnostics) -> Bool? {
        guard let scalar = node.scalar, scalar.style == .plain, scalar.string == "true" || scalar.string == "false" else {
            diagnostics.report("\"\(field)\" must be true or false, got \(describe(node))", at: node)
            return nil
        }
        return scalar.string == "true"
    }

    /// A duration: digits (with an optional fraction) and `ms` or `s`.
    static func duration(_ node: Node, field: String, allowZero: Bool = true, _ diagnostics: Diagnostics) -> Duration? {
        guard let scalar = node.scalar, !isNull(scalar) else {
            diagnostics.report("\"\(field)\" must be a duration like 500ms, got \(describe(node))", at: node, hint: durationHint)
            return nil
        }
        guard let duration = DurationText.parse(scalar.string) else {
            diagnostics.report("bad duration \"\(scalar.string)\" in \"\(field)\"", at: node, hint: durationHint)
            return nil
        }
        if !allowZero, duration == .zero {
            diagnostics.report("\"\(field)\" must be longer than 0s", at: node)
            return nil
        }
        return duration
    }

    /// A percentage: a number 0…100, optionally followed by `%`.
    static func percentage(_ node: Node, field: String, _ diagnostics: Diagnostics) -> Percentage? {
        let hint = "use a number from 0 to 100, e.g. 5 or 5%"
        guard let scalar = node.scalar, !isNull(scalar) else {
            diagnostics.report("\"\(field)\" must be a percentage, got \(describe(node))", at: node, hint: hint)
            return nil
        }
        var text = Substring(scalar.string)
        if text.hasSuffix("%") { text = text.dropLast() } else if scalar.style != .plain { text = "" }
        guard let value = Double(text), value.isFinite else {
            diagnostics.report("bad percentage \"\(scalar.string)\" in \"\(field)\"", at: node, hint: hint)
            return nil
        }
        guard (0...100).contains(value) else {
            diagnostics.report("\"\(field)\" must be between 0 and 100, got \(scalar.string)", at: node)
            return nil
        }
        return Percentage(value)
    }

    /// A bit rate with unit `bps`, `kbps` or `mbps`.
    static func bitrate(_ node: Node, field: String, _ diagnostics: Diagnostics) -> Bitrate? {
        guard let scalar = node.scalar, !isNull(scalar), let rate = Bitrate.parse(scalar.string) else {
            diagnostics.report("bad bit rate \(node.scalar.map { "\"\($0.string)\"" } ?? describe(node)) in \"\(field)\"", at: node,
                               hint: "use bps, kbps or mbps, e.g. 500kbps")
            return nil
        }
        return rate
    }

    /// A byte count: an integer, optionally with `B`, `KB` or `MB`.
    static func byteCount(_ node: Node, field: String, _ diagnostics: Diagnostics) -> ByteCount? {
        guard let scalar = node.scalar, !isNull(scalar), let count = ByteCount.parse(scalar.string), count.bytes > 0 else {
            diagnostics.report("bad size \(node.scalar.map { "\"\($0.string)\"" } ?? describe(node)) in \"\(field)\"", at: node,
                               hint: "use bytes, KB or MB, e.g. 16KB")
            return nil
        }
        return count
    }

    /// A WebSocket close code a server may send (RFC 6455 §7.4.1).
    static func closeCode(_ node: Node, field: String, _ diagnostics: Diagnostics) -> CloseCode? {
        guard let code = int(node, field: field, diagnostics) else { return nil }
        switch code {
        case 1006:
            diagnostics.report("\"\(field)\" 1006 cannot be sent in a close frame", at: node,
                               hint: "use abort to drop the connection without a close frame (the client sees 1006)")
            return nil
        case 1005, 1015:
            diagnostics.report("\"\(field)\" \(code) cannot be sent in a close frame", at: node,
                               hint: "RFC 6455 reserves it for reporting; use 1000-1003, 1007-1014 or 3000-4999")
            return nil
        default:
            guard CloseCode.isSendable(code) else {
                diagnostics.report("\"\(field)\" must be 1000-1003, 1007-1014 or 3000-4999, got \(code)", at: node)
                return nil
            }
            return CloseCode(UInt16(code))
        }
    }

    /// One of an enum's raw values (exact spelling).
    static func choice<T: RawRepresentable & CaseIterable>(_ node: Node, field: String, as type: T.Type, _ diagnostics: Diagnostics) -> T?
    where T.RawValue == String {
        guard let text = string(node, field: field, diagnostics) else { return nil }
        if let value = T(rawValue: text) { return value }
        let names = T.allCases.map(\.rawValue)
        diagnostics.report("unknown value \"\(text)\" for \"\(field)\"", at: node,
                           hint: suggestionHint(for: text, among: names, label: "expected one of"))
        return nil
    }

    /// One string, or a non-empty list of strings.
    static func strings(_ node: Node, field: String, _ diagnostics: Diagnostics) -> [String]? {
        if let sequence = node.sequence {
            guard !sequence.isEmpty else {
                diagnostics.report("\"\(field)\" must not be an empty list", at: node)
                return nil
            }
            let values = sequence.map { string($0, field: field, diagnostics) }
            return values.contains(nil) ? nil : values.compactMap { $0 }
        }
        return string(node, field: field, diagnostics).map { [$0] }
    }
}
