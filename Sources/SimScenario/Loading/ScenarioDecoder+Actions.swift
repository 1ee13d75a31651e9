import SimCore
import SimFaults
import Yams

extension ScenarioDecoder {
    /// Keys selecting messages at a message tap.
    static let messageKeys = ["tap", "message", "identity", "participant", "room", "about", "topic", "device"]
    /// Keys selecting packets at a media tap.
    static let mediaKeys = ["tap", "identity", "participant", "room", "track", "track_kind", "direction"]
    /// Lifetime keys.
    static let limitKeys = ["count", "during"]

    /// Every action: its allowed parameter keys, and the key a bare scalar value stands for (`simulate: node_failure`).
    static let actionSpecs: [String: (keys: [String], shorthand: String?)] = [
        "delay": (messageKeys + ["by", "jitter"] + limitKeys, nil),
        "drop": (messageKeys + ["nth", "every", "percent"] + limitKeys, nil),
        "duplicate": (messageKeys + ["copies"] + limitKeys, nil),
        "hold": (messageKeys + ["for", "until", "count"], nil),
        "reorder": (messageKeys + ["after", "pairs", "timeout", "during"], nil),
        "stall": (["tap", "identity", "participant", "room", "for"], nil),
        "close": (["socket", "identity", "code", "reason", "instead_of"], nil),
        "abort": (["socket", "identity", "instead_of"], nil),
        "http_error": (messageKeys + ["status", "errcode", "retry_after"] + limitKeys, nil),
        "http_truncate": (messageKeys + limitKeys, nil),
        "hold_to_device": (["identity", "syncs"], "syncs"),
        "drop_device_lists": (["identity", "syncs"], "syncs"),
        "rejoin_sid": (["mode", "identity"], "mode"),
        "order": (["ordering", "publisher", "subscriber", "timeout"], "ordering"),
        "disconnect_after_new_info": (["identity", "timeout"], "identity"),
        "data_before_participant": (["identity", "for"], "for"),
        "delay_track_published": (["identity", "by", "jitter"] + limitKeys, nil),
        "leave": (["identity", "reason", "action"], nil),
        "simulate": (["scenario", "identity", "seconds", "protocol", "bitrate"], "scenario"),
        "refuse_resume": (["identity"], "identity"),
        "delete_room": (["room"], "room"),
        "queue": (["positions", "size", "interval", "admit"], nil),
        "ack_delay": (["ack", "by", "jitter"] + limitKeys, "by"),
        "ack_reject": (["error"], "error"),
        "ack_early": ([], nil),
        "ack_never": (["ack"], nil),
        "room_info_delay": (["by", "jitter"], "by"),
        "room_info_early": ([], nil),
        "room_info_url": (["url"], "url"),
        "end_session": (["identity", "error", "reason", "seconds", "close", "close_reason", "keep_open"], nil),
        "loss": (mediaKeys + ["percent"] + limitKeys, "percent"),
        "media_delay": (mediaKeys + ["by", "jitter", "during"], nil),
        "freeze": (mediaKeys + ["for"], "for"),
        "drop_keyframes": (mediaKeys + limitKeys, nil),
        "bandwidth": (mediaKeys + ["rate", "burst", "during"], "rate"),
    ]

    /// Every action name, sorted.
    static let actionNames = actionSpecs.keys.sorted()

    /// One action: a mapping with exactly one key, the action's name, whose value holds its parameters.
    func action(_ node: Node) -> ScenarioAction? {
        guard let mapping = node.mapping else {
            diagnostics.report("an action must be a mapping with one key (the action name), got \(describe(node))", at: node,
                               hint: "e.g. - drop: { tap: signal.out, message: update }")
            return nil
        }
        guard mapping.count == 1, let (keyNode, value) = mapping.first.map({ ($0.key, $0.value) }) else {
            let names = mapping.keys.compactMap { $0.scalar?.string }.joined(separator: ", ")
            diagnostics.report("an action must be a mapping with one key (the action name), got \(mapping.count) keys: \(names)",
                               at: node, hint: "write each action as its own list item")
            return nil
        }
        guard let name = keyNode.scalar?.string else {
            diagnostics.report("an action name must be a plain name, got \(describe(keyNode))", at: keyNode)
            return nil
        }
        guard let spec = Self.actionSpecs[name] else {
            diagnostics.report("unknown action \"\(name)\"", at: keyNode,
                               hint: suggestionHint(for: name, among: Self.actionNames, label: "actions"))
            return nil
        }
        let reader: MappingReader
        if value.mapping != nil {
            guard let mappingReader = MappingReader(value, context: name, allowed: spec.keys, diagnostics: diagnostics) else { return nil }
            reader = mappingReader
        } else if let scalar = value.scalar, isNull(scalar) {
            reader = MappingReader(anchor: keyNode, context: name, entries: [], diagnostics: diagnostics)
        } else if value.scalar != nil, let shorthand = spec.shorthand {
            reader = MappingReader(anchor: value, context: name, entries: [(shorthand, value)], diagnostics: diagnostics)
        } else {
            let example = spec.shorthand.map { "\(name): { \($0): … }" } ?? "\(name): { … }"
            diagnostics.report("\"\(name)\" takes a mapping of parameters, got \(describe(value))", at: value, hint: "e.g. \(example)")
            return nil
        }
        return build(name, reader)
    }

    private func build(_ name: String, _ r: MappingReader) -> ScenarioAction? {
        switch name {
        case "delay":
            guard let selector = messageSelector(r, required: true), let by = r.duration("by", required: true) else { return nil }
            return .delay(DelayParameters(selector: selector, by: by, jitter: r.duration("jitter") ?? .zero, limits: limits(r)))
        case "drop":
            let selector = messageSelector(r, required: true)
            guard !r.exclusive(["nth", "every", "percent"]) else { return nil }
            var selection = DropSelection.all
            if r.has("nth") { guard let n = r.int("nth", range: 1...Int.max) else { return nil }; selection = .nth(n) }
            if r.has("every") { guard let n = r.int("every", range: 1...Int.max) else { return nil }; selection = .every(n) }
            if r.has("percent") { guard let p = r.percentage("percent") else { return nil }; selection = .percent(p) }
            guard let selector else { return nil }
            return .drop(DropParameters(selector: selector, selection: selection, limits: limits(r)))
        case "duplicate":
            guard let selector = messageSelector(r, required: true) else { return nil }
            let copies = r.has("copies") ? r.int("copies", range: 1...100) : 1
            guard let copies else { return nil }
            return .duplicate(DuplicateParameters(selector: selector, copies: copies, limits: limits(r)))
        case "hold":
            let selector = messageSelector(r, required: true)
            let duration = r.duration("for", allowZero: false)
            let until = r.value("until").flatMap { trigger($0, context: "until", allowEvery: false) }
            let count = r.int("count", range: 1...Int.max)
            guard r.has("for") || r.has("until") else {
                diagnostics.report("hold needs \"for\" or \"until\"", at: r.node, hint: "e.g. hold: { tap: signal.out, message: update, for: 2s }")
                return nil
            }
            guard let selector, duration != nil || until != nil else { return nil }
            return .hold(HoldParameters(selector: selector, duration: duration, until: until, count: count))
        case "reorder":
            guard let held = messageSelector(r, required: true), let after = messageKinds(r, key: "after", tap: held.tap, required: true) else {
                return nil
            }
            var releasedBy = held
            releasedBy.kinds = after
            releasedBy.about = nil
            return .reorder(ReorderParameters(held: held, releasedBy: releasedBy, pairs: r.int("pairs", range: 1...Int.max) ?? 1,
                                              timeout: r.duration("timeout", allowZero: false) ?? ReorderParameters.defaultTimeout,
                                              during: r.duration("during")))
        case "stall":
            guard let selector = messageSelector(r, required: true), let duration = r.duration("for", required: true, allowZero: false) else {
                return nil
            }
            return .stall(StallParameters(selector: selector, duration: duration))
        case "close":
            let socket = r.choice("socket", required: true, as: SocketKind.self)
            let code = r.closeCode("code", required: true)
            let replaced = socket.flatMap { insteadOf(r, socket: $0) }
            guard let socket, let code, r.has("instead_of") == (replaced != nil) else { return nil }
            return .close(CloseParameters(socket: socket, identity: r.identity("identity"), code: code,
                                          reason: r.string("reason") ?? "", insteadOf: replaced))
        case "abort":
            let socket = r.choice("socket", required: true, as: SocketKind.self)
            let replaced = socket.flatMap { insteadOf(r, socket: $0) }
            guard let socket, r.has("instead_of") == (replaced != nil) else { return nil }
            return .abort(AbortParameters(socket: socket, identity: r.identity("identity"), insteadOf: replaced))
        case "hold_to_device", "drop_device_lists":
            guard let syncs = r.int("syncs", required: true, range: 1...10_000) else { return nil }
            let identity = r.identity("identity")
            return name == "hold_to_device" ? .holdToDevice(identity: identity, syncs: syncs) : .dropDeviceLists(identity: identity, syncs: syncs)
        case "http_truncate":
            let selector = messageSelector(r, required: true)
            guard let selector else { return nil }
            guard selector.tap == .httpOut else {
                if let node = r.keyNode("tap") { diagnostics.report("http_truncate cuts responses: use it at tap http.out", at: node) }
                return nil
            }
            return .httpError(HTTPErrorParameters(selector: selector, failure: .truncatedBody, limits: limits(r)))
        case "http_error":
            let selector = messageSelector(r, required: true)
            if let tap = selector?.tap, tap != .httpIn, tap != .httpOut, let node = r.keyNode("tap") {
                diagnostics.report("http_error answers HTTP requests: use it at tap http.in or http.out", at: node)
                return nil
            }
            guard let selector, let status = r.int("status", required: true, range: 400...599) else { return nil }
            let errcode = r.string("errcode") ?? (status == 429 ? "M_LIMIT_EXCEEDED" : "M_UNKNOWN")
            let failure = HTTPFailure(status: UInt16(status), errcode: errcode, retryAfter: r.duration("retry_after"))
            return .httpError(HTTPErrorParameters(selector: selector, failure: failure, limits: limits(r)))
        default:
            return buildProtocolAction(name, r)
        }
    }

    /// `count` and `during`.
    func limits(_ r: MappingReader) -> FaultLimits {
        FaultLimits(count: r.int("count", range: 1...Int.max), during: r.duration("during", allowZero: false))
    }

    /// `tap` (a message tap), `message` (validated against the tap's vocabulary), and the connection filters.
    func messageSelector(_ r: MappingReader, required: Bool) -> MessageSelector? {
        guard let tap = messageTap(r, required: required) else { return nil }
        let kinds = r.has("message") ? messageKinds(r, key: "message", tap: tap, required: false) : []
        guard let kinds else { return nil }
        if r.has("topic"), tap != .dataIn, tap != .dataOut, let node = r.keyNode("topic") {
            diagnostics.report("\"topic\" selects DataPackets: use it at tap data.in or data.out", at: node)
            return nil
        }
        if r.has("device"), tap != .httpIn, tap != .httpOut, let node = r.keyNode("device") {
            diagnostics.report("\"device\" selects Matrix requests: use it at tap http.in or http.out", at: node)
            return nil
        }
        var selector = MessageSelector(tap: tap, kinds: kinds, identity: r.identity("identity"),
                                       participant: r.string("participant").map(ParticipantSID.init),
                                       room: r.string("room").map(RoomName.init), about: r.has("about") ? r.identity("about") : nil)
        selector.topic = r.string("topic")
        selector.device = r.string("device")
        return selector
    }

    private func messageTap(_ r: MappingReader, required: Bool) -> TapPoint? {
        guard let node = required ? r.require("tap") : r.value("tap"), let text = NodeValue.string(node, field: "tap", diagnostics) else {
            return nil
        }
        let messageTaps: [TapPoint] = [.signalIn, .signalOut, .controlIn, .controlOut, .dataIn, .dataOut, .httpIn, .httpOut, .agentIn, .agentOut]
        guard let tap = TapPoint(rawValue: text) else {
            diagnostics.report("unknown value \"\(text)\" for \"tap\"", at: node,
                               hint: suggestionHint(for: text, among: messageTaps.map(\.rawValue), label: "expected one of"))
            return nil
        }
        switch tap {
        case .signalIn, .signalOut, .controlIn, .controlOut, .dataIn, .dataOut, .httpIn, .httpOut, .agentIn, .agentOut:
            return tap
        case .mediaRTP, .mediaRTCP:
            diagnostics.report("\(r.context) does not apply at tap \(text)", at: node,
                               hint: "for media use loss, media_delay, freeze, drop_keyframes or bandwidth")
            return nil
        }
    }

    /// Message kinds under `key` (one or a list), each checked against what crosses `tap`.
    func messageKinds(_ r: MappingReader, key: String, tap: TapPoint, required: Bool) -> Set<String>? {
        guard let node = required ? r.require(key) : r.value(key), let names = NodeValue.strings(node, field: key, diagnostics) else { return nil }
        var ok = true
        for (index, name) in names.enumerated() {
            ok = checkMessageKind(name, at: node.sequence.map { $0[index] } ?? node, tap: tap) && ok
        }
        return ok ? Set(names) : nil
    }

    /// Whether `name` crosses `tap`; reports it (with a did-you-mean hint) when not.
    func checkMessageKind(_ name: String, at node: Node, tap: TapPoint) -> Bool {
        let known = EventVocabulary.messageKinds(at: tap)
        guard !known.contains(name) else { return true }
        diagnostics.report("unknown message \"\(name)\" at tap \(tap.rawValue)", at: node,
                           hint: suggestionHint(for: name, among: known, label: "messages at \(tap.rawValue)"))
        return false
    }

    private func insteadOf(_ r: MappingReader, socket: SocketKind) -> String? {
        guard let node = r.value("instead_of"), let name = NodeValue.string(node, field: "instead_of", diagnostics),
              checkMessageKind(name, at: node, tap: socket.outboundTap) else { return nil }
        return name
    }
}
