import SimCore
import SimFaults
import Yams

extension ScenarioDecoder {
    /// Keys that describe which events match.
    static let patternKeys = ["event", "identity", "room", "participant", "track_kind", "direction", "detail"]

    /// A trigger (`when`, `until`, `after`): a pattern, `occurrence`, and (rules only) `every`.
    func trigger(_ node: Node, context: String, allowEvery: Bool) -> Trigger? {
        let keys = Self.patternKeys + ["occurrence"] + (allowEvery ? ["every"] : [])
        guard let reader = MappingReader(node, context: context, allowed: keys, diagnostics: diagnostics) else { return nil }
        let pattern = pattern(reader)
        let occurrence = reader.int("occurrence", range: 1...Int.max)
        let every = reader.bool("every")
        let conflict = reader.exclusive(["occurrence", "every"])
        guard let pattern, !conflict else { return nil }
        if every == true, pattern.kind.matches("fault.applied") {
            // Each firing logs a fault.applied of its own, which would fire the rule again, forever.
            diagnostics.report("\"every\" cannot be used on events matching fault.applied", at: reader.keyNode("every"),
                               hint: "use occurrence, or a narrower event pattern")
            return nil
        }
        if every == true { return Trigger(pattern: pattern, firing: .every) }
        return Trigger(pattern: pattern, firing: .occurrence(occurrence ?? 1))
    }

    /// The event pattern in `reader` (`event` is required).
    func pattern(_ reader: MappingReader) -> EventPattern? {
        let kind = reader.string("event", required: true)
        if let kind, let node = reader.value("event"), !EventVocabulary.isValidPattern(kind) {
            reportUnknownEvent(kind, at: node)
            return nil
        }
        var detail: [String: String] = [:]
        if let node = reader.value("detail") {
            if let mapping = node.mapping {
                for (key, value) in mapping {
                    guard let name = key.scalar?.string, let text = NodeValue.string(value, field: "detail.\(key.scalar?.string ?? "?")", diagnostics) else {
                        continue
                    }
                    detail[name] = text
                }
            } else {
                diagnostics.report("\"detail\" must be a mapping, got \(describe(node))", at: node)
            }
        }
        let pattern = EventPattern(
            kind: KindPattern(kind ?? ""),
            identity: reader.identity("identity"),
            room: reader.string("room").map(RoomName.init),
            participant: reader.string("participant").map(ParticipantSID.init),
            trackKind: reader.choice("track_kind"),
            direction: reader.choice("direction", as: DirectionName.self)?.direction,
            detail: detail
        )
        return kind == nil ? nil : pattern
    }

    /// Reports an event kind outside the vocabulary, with the best hint we have.
    func reportUnknownEvent(_ kind: String, at node: Node) {
        let hint: String
        if let near = EventVocabulary.suggestion(for: kind) {
            hint = "did you mean \"\(near)\"?"
        } else if kind.hasSuffix("*") {
            hint = "a wildcard ends in \".*\" after a known prefix, e.g. signal.out.*"
        } else {
            hint = "event kinds are listed in docs/scenarios.md (EventVocabulary)"
        }
        diagnostics.report("unknown event kind \"\(kind)\"", at: node, hint: hint)
    }
}

/// `in` or `out`, as scenario files spell `EventDirection`.
enum DirectionName: String, CaseIterable {
    /// Into the server.
    case inbound = "in"
    /// Out of the server.
    case outbound = "out"

    /// The log's direction.
    var direction: EventDirection { self == .inbound ? .inbound : .outbound }
}
