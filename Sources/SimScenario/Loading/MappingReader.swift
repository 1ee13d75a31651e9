import SimCore
import SimFaults
import Yams

/// Reads one YAML/JSON mapping strictly: reports non-mappings, duplicate keys and keys outside `allowed` (with a
/// did-you-mean hint) up front, then hands out typed values, reporting wrong types, units and ranges.
/// Every reader returns nil after reporting, so decoding goes on and collects further errors.
struct MappingReader {
    /// The mapping node (or the node standing in for it, for shorthand and empty parameter lists).
    let node: Node
    /// What the mapping is, for messages: `scenario`, `rule`, `hold`, `when`.
    let context: String
    /// Where errors go.
    let diagnostics: Diagnostics
    private var values: [String: (key: Node, value: Node)] = [:]

    /// Checks `node` is a mapping whose keys are all in `allowed`; nil (after reporting) if it is not a mapping.
    init?(_ node: Node, context: String, allowed: [String], diagnostics: Diagnostics) {
        self.node = node
        self.context = context
        self.diagnostics = diagnostics
        guard let mapping = node.mapping else {
            diagnostics.report("\(context) must be a mapping, got \(describe(node))", at: node)
            return nil
        }
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                diagnostics.report("keys in \(context) must be plain names, got \(describe(key))", at: key)
                continue
            }
            guard allowed.contains(name) else {
                diagnostics.report("unknown key \"\(name)\" in \(context)", at: key,
                                   hint: suggestionHint(for: name, among: allowed, label: "allowed keys"))
                continue
            }
            guard values[name] == nil else {
                diagnostics.report("duplicate key \"\(name)\" in \(context)", at: key)
                continue
            }
            values[name] = (key, value)
        }
    }

    /// A reader over explicit entries: the shorthand `order: media_before_metadata` or an empty parameter list.
    init(anchor: Node, context: String, entries: [(name: String, value: Node)], diagnostics: Diagnostics) {
        node = anchor
        self.context = context
        self.diagnostics = diagnostics
        for entry in entries { values[entry.name] = (anchor, entry.value) }
    }

    /// Whether `key` is present.
    func has(_ key: String) -> Bool { values[key] != nil }

    /// The value node of `key`.
    func value(_ key: String) -> Node? { values[key]?.value }

    /// The key node of `key` (for errors about the key itself).
    func keyNode(_ key: String) -> Node? { values[key]?.key }

    /// The value of `key`, reporting it as missing when absent.
    func require(_ key: String) -> Node? {
        if let value = values[key]?.value { return value }
        diagnostics.report("\(context) is missing required key \"\(key)\"", at: node)
        return nil
    }

    private func lookup(_ key: String, required: Bool) -> Node? {
        required ? require(key) : value(key)
    }

    /// Reports that `keys` cannot be used together (at the later key), returning whether they were.
    @discardableResult
    func exclusive(_ keys: [String]) -> Bool {
        let present = keys.filter(has)
        guard present.count > 1 else { return false }
        let later = present.max { position(of: $0) < position(of: $1) } ?? present[present.count - 1]
        let names = present.map { "\"\($0)\"" }
        diagnostics.report("\(names.dropLast().joined(separator: ", ")) and \(names.last ?? "") cannot be used together in \(context)",
                           at: keyNode(later))
        return true
    }

    private func position(of key: String) -> Int {
        guard let mark = keyNode(key)?.mark else { return 0 }
        return mark.line * 100_000 + mark.column
    }

    // MARK: Typed values

    /// A string (any non-null scalar).
    func string(_ key: String, required: Bool = false) -> String? {
        lookup(key, required: required).flatMap { NodeValue.string($0, field: key, diagnostics) }
    }

    /// An integer, optionally within `range`.
    func int(_ key: String, required: Bool = false, range: ClosedRange<Int>? = nil) -> Int? {
        lookup(key, required: required).flatMap { NodeValue.int($0, field: key, range: range, diagnostics) }
    }

    /// `true` or `false`.
    func bool(_ key: String, required: Bool = false) -> Bool? {
        lookup(key, required: required).flatMap { NodeValue.bool($0, field: key, diagnostics) }
    }

    /// A duration with unit `ms` or `s`.
    func duration(_ key: String, required: Bool = false, allowZero: Bool = true) -> Duration? {
        lookup(key, required: required).flatMap { NodeValue.duration($0, field: key, allowZero: allowZero, diagnostics) }
    }

    /// A percentage 0…100 (`5`, `2.5`, `5%`).
    func percentage(_ key: String, required: Bool = false) -> Percentage? {
        lookup(key, required: required).flatMap { NodeValue.percentage($0, field: key, diagnostics) }
    }

    /// A bit rate (`500kbps`).
    func bitrate(_ key: String, required: Bool = false) -> Bitrate? {
        lookup(key, required: required).flatMap { NodeValue.bitrate($0, field: key, diagnostics) }
    }

    /// A byte count (`16KB`).
    func byteCount(_ key: String, required: Bool = false) -> ByteCount? {
        lookup(key, required: required).flatMap { NodeValue.byteCount($0, field: key, diagnostics) }
    }

    /// A close code a server may send.
    func closeCode(_ key: String, required: Bool = false) -> CloseCode? {
        lookup(key, required: required).flatMap { NodeValue.closeCode($0, field: key, diagnostics) }
    }

    /// One of an enum's raw values.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String, required: Bool = false, as type: T.Type = T.self) -> T?
    where T.RawValue == String {
        lookup(key, required: required).flatMap { NodeValue.choice($0, field: key, as: type, diagnostics) }
    }

    /// One string or a list of strings.
    func strings(_ key: String, required: Bool = false) -> [String]? {
        lookup(key, required: required).flatMap { NodeValue.strings($0, field: key, diagnostics) }
    }

    /// A list of integers, each within `range`.
    func ints(_ key: String, required: Bool = false, range: ClosedRange<Int>? = nil) -> [Int]? {
        guard let node = lookup(key, required: required) else { return nil }
        guard let sequence = node.sequence, !sequence.isEmpty else {
            diagnostics.report("\"\(key)\" must be a non-empty list of integers, got \(describe(node))", at: node)
            return nil
        }
        let values = sequence.map { NodeValue.int($0, field: key, range: range, diagnostics) }
        return values.contains(nil) ? nil : values.compactMap { $0 }
    }

    /// An identity.
    func identity(_ key: String, required: Bool = false) -> Identity? { string(key, required: required).map(Identity.init) }
}
