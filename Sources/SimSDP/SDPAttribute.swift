/// One `a=` line: a name and an optional value after the first `:` (RFC 8866 §5.13).
///
/// The value is kept byte for byte, including leading spaces (`a=msid-semantic: WMS` has the value ` WMS`), so
/// that serializing gives back the parsed text. Typed views (``RTPMap``, ``ExtMap``…) parse it on demand.
public struct SDPAttribute: Hashable, Sendable {
    /// The attribute name (the text before the first `:`), such as `rtpmap` or `sendonly`.
    public var name: String
    /// The text after the first `:`, or nil for a property attribute such as `a=rtcp-mux`.
    public var value: String?

    /// Makes an attribute from its parts.
    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// Parses the text after `a=`.
    init(lineValue: String) {
        let (head, tail) = lineValue.sdpSplit(once: ":")
        self.init(String(head), tail.map(String.init))
    }

    /// The text after `a=`: `name` or `name:value`.
    public var lineValue: String {
        guard let value else { return name }
        return name + ":" + value
    }
}

/// Lookups by attribute name over an attribute list.
extension Sequence where Element == SDPAttribute {
    /// The first attribute called `name`, if any.
    public func first(named name: String) -> SDPAttribute? {
        first { $0.name == name }
    }

    /// The values of every attribute called `name` that has a value, in order.
    public func values(named name: String) -> [String] {
        compactMap { $0.name == name ? $0.value : nil }
    }

    /// Whether an attribute called `name` is present.
    public func contains(named name: String) -> Bool {
        contains { $0.name == name }
    }
}
