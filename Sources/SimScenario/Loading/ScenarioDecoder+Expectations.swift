import Yams

extension ScenarioDecoder {
    /// Keys choosing the kind of assertion (happened is the default).
    static let countKeys = ["occurrence", "never", "count", "at_least", "at_most"]
    /// Every key an expectation may have.
    static let expectationKeys = ["name"] + patternKeys + countKeys + ["within", "after", "order"]

    /// One `expect` entry: happened (default) / never / count / at_least / at_most / order, with `within` and `after`.
    func expectation(_ node: Node) -> Expectation? {
        guard let r = MappingReader(node, context: "expectation", allowed: Self.expectationKeys, diagnostics: diagnostics) else {
            return nil
        }
        let name = r.string("name")
        let within = r.duration("within", allowZero: false)
        let after = r.value("after").flatMap { trigger($0, context: "after", allowEvery: false) }
        // A key that is present but came back nil was reported; keep decoding to find further errors.
        let modifiersOK = r.has("within") == (within != nil) && r.has("after") == (after != nil)
        let location = diagnostics.location(of: node)
        if r.has("order") {
            var combined = false
            for key in Self.patternKeys + Self.countKeys where r.has(key) {
                diagnostics.report("\"order\" cannot be combined with \"\(key)\" (put it on a step)", at: r.keyNode(key))
                combined = true
            }
            guard let steps = orderSteps(r), !combined, modifiersOK else { return nil }
            return Expectation(name: name, assertion: .ordered(steps), within: within, after: after, location: location)
        }
        let pattern = pattern(r)
        let pairs = [("never", "occurrence"), ("never", "count"), ("never", "at_least"), ("never", "at_most"), ("count", "occurrence"),
                     ("count", "at_least"), ("count", "at_most"), ("occurrence", "at_least"), ("occurrence", "at_most")]
        var conflict = false
        for (a, b) in pairs where r.exclusive([a, b]) { conflict = true }
        let never = r.bool("never")
        if never == false, let node = r.value("never") {
            diagnostics.report("\"never\" must be true (leave it out to expect that the event happened)", at: node)
            return nil
        }
        let occurrence = r.int("occurrence", range: 1...Int.max)
        let exact = r.int("count", range: 0...Int.max)
        let atLeast = r.int("at_least", range: 0...Int.max)
        let atMost = r.int("at_most", range: 0...Int.max)
        if let atLeast, let atMost, atLeast > atMost {
            diagnostics.report("\"at_least\" (\(atLeast)) is more than \"at_most\" (\(atMost))", at: r.value("at_most"))
            return nil
        }
        let countsOK = r.has("occurrence") == (occurrence != nil) && r.has("count") == (exact != nil)
            && r.has("at_least") == (atLeast != nil) && r.has("at_most") == (atMost != nil) && r.has("never") == (never != nil)
        guard let pattern, !conflict, countsOK, modifiersOK else { return nil }
        let assertion: Expectation.Assertion
        if never == true {
            assertion = .never(pattern)
        } else if let exact {
            assertion = .count(pattern, min: exact, max: exact)
        } else if atLeast != nil || atMost != nil {
            assertion = .count(pattern, min: atLeast ?? 0, max: atMost)
        } else {
            assertion = .happened(pattern, occurrence: occurrence ?? 1)
        }
        return Expectation(name: name, assertion: assertion, within: within, after: after, location: location)
    }

    private func orderSteps(_ r: MappingReader) -> [Expectation.OrderedStep]? {
        guard let node = r.value("order") else { return nil }
        guard let sequence = node.sequence, sequence.count >= 2 else {
            diagnostics.report("\"order\" must be a list of at least two events, got \(describe(node))", at: node,
                               hint: "e.g. order: [{ event: control.out.livekit_room_info }, { event: control.out.set_image_ack }]")
            return nil
        }
        let steps: [Expectation.OrderedStep?] = sequence.map { item in
            guard let step = MappingReader(item, context: "order step", allowed: Self.patternKeys + ["occurrence"], diagnostics: diagnostics) else {
                return nil
            }
            let pattern = pattern(step)
            let occurrence = step.int("occurrence", range: 1...Int.max)
            guard let pattern, step.has("occurrence") == (occurrence != nil) else { return nil }
            return Expectation.OrderedStep(pattern: pattern, occurrence: occurrence ?? 1)
        }
        return steps.contains(nil) ? nil : steps.compactMap { $0 }
    }
}
