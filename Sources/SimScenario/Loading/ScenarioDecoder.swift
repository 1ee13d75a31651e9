import SimCore
import Yams

/// Turns a composed YAML/JSON node tree into a `Scenario`, reporting every problem to `diagnostics`.
struct ScenarioDecoder {
    /// Where errors go.
    let diagnostics: Diagnostics

    /// Keys of the scenario mapping.
    static let topLevelKeys = ["name", "summary", "seed", "rules", "timeline", "expect"]
    /// Keys of a rule.
    static let ruleKeys = ["name", "when", "then"]
    /// Keys of a timeline entry.
    static let timelineKeys = ["at", "do"]

    /// The scenario, or nil when the top level is unusable (errors are in `diagnostics` either way).
    func scenario(from root: Node) -> Scenario? {
        guard let top = MappingReader(root, context: "scenario", allowed: Self.topLevelKeys, diagnostics: diagnostics) else {
            return nil
        }
        let name = top.string("name", required: true)
        if let name, let nameNode = top.value("name"), !Self.isValidName(name) {
            diagnostics.report("bad scenario name \"\(name)\"", at: nameNode,
                               hint: "use lowercase letters, digits, '-', '_' and '.', e.g. lk-rejoin-new-sid")
        }
        let summary = top.string("summary") ?? ""
        var seed: UInt64 = 0
        if let node = top.value("seed") {
            if let scalar = node.scalar, scalar.style == .plain, let value = UInt64(scalar.string) {
                seed = value
            } else {
                diagnostics.report("\"seed\" must be an integer from 0 to \(UInt64.max), got \(describe(node))", at: node)
            }
        }
        let rules = list(top.value("rules"), field: "rules").compactMap(rule)
        let timeline = list(top.value("timeline"), field: "timeline").compactMap(timelineEntry)
        let expect = list(top.value("expect"), field: "expect").compactMap(expectation)
        guard let name else { return nil }
        return Scenario(name: name, summary: summary, seed: seed, rules: rules, timeline: timeline, expect: expect)
    }

    /// Names are file-name and JUnit friendly: `[a-z0-9][a-z0-9._-]*`.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) || ("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
    }

    /// The items of a list-valued key (absent or null: none).
    func list(_ node: Node?, field: String) -> [Node] {
        guard let node else { return [] }
        if let scalar = node.scalar, isNull(scalar) { return [] }
        guard let sequence = node.sequence else {
            diagnostics.report("\"\(field)\" must be a list, got \(describe(node))", at: node)
            return []
        }
        return Array(sequence)
    }

    // MARK: Rules and timeline

    /// One rule: `name`, `when` (a trigger), `then` (actions).
    func rule(_ node: Node) -> ScenarioRule? {
        guard let reader = MappingReader(node, context: "rule", allowed: Self.ruleKeys, diagnostics: diagnostics) else { return nil }
        let name = reader.string("name")
        let when = reader.require("when").flatMap { trigger($0, context: "when", allowEvery: true) }
        let then = reader.require("then").map { actions($0, field: "then") }
        guard let when, let then, !then.isEmpty else { return nil }
        return ScenarioRule(name: name, when: when, then: then, location: diagnostics.location(of: node))
    }

    /// One timeline entry: `at` (a duration), `do` (actions).
    func timelineEntry(_ node: Node) -> TimelineEntry? {
        guard let reader = MappingReader(node, context: "timeline entry", allowed: Self.timelineKeys, diagnostics: diagnostics) else {
            return nil
        }
        let at = reader.duration("at", required: true)
        let steps = reader.require("do").map { actions($0, field: "do") }
        guard let at, let steps, !steps.isEmpty else { return nil }
        return TimelineEntry(at: at, actions: steps, location: diagnostics.location(of: node))
    }

    /// One action (a one-key mapping) or a list of them; invalid ones are reported and left out.
    func actions(_ node: Node, field: String) -> [ScenarioAction] {
        if let sequence = node.sequence {
            if sequence.isEmpty { diagnostics.report("\"\(field)\" needs at least one action", at: node) }
            return sequence.compactMap(action)
        }
        if node.mapping != nil { return action(node).map { [$0] } ?? [] }
        diagnostics.report("\"\(field)\" must be an action or a list of actions, got \(describe(node))", at: node,
                           hint: "e.g. \(field): [{ drop: { tap: signal.out, message: update } }]")
        return []
    }
}
