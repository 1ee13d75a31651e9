import SimCore
import SimFaults

extension ScenarioEngine {
    /// Runs `actions` in order for `origin`; `event` is the triggering event (nil on the timeline).
    mutating func fire(_ actions: [ScenarioAction], origin: FaultOrigin, event: SimEvent?, now: SimInstant) -> [ScenarioEngineAction] {
        actions.flatMap { apply($0, origin: origin, event: event, now: now) }
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private mutating func apply(_ action: ScenarioAction, origin: FaultOrigin, event: SimEvent?, now: SimInstant) -> [ScenarioEngineAction] {
        let name = action.name
        func command(_ command: ScenarioCommand) -> [ScenarioEngineAction] {
            [.command(command), .log(FaultRecords.command(command, fault: name, origin: origin))]
        }
        switch action {
        case .delay(let p), .delayTrackPublished(let p), .ackDelay(let p), .roomInfoDelay(let p):
            let seed = nextSeed()
            return install(DelayFault(selector: p.selector, by: p.by, jitter: p.jitter, limits: p.limits, seed: seed, start: now),
                           tap: p.selector.tap, name: name, origin: origin)
        case .drop(let p), .ackNever(let p):
            let seed = nextSeed()
            return install(DropFault(selector: p.selector, selection: p.selection, limits: p.limits, seed: seed, start: now),
                           tap: p.selector.tap, name: name, origin: origin)
        case .duplicate(let p):
            return install(DuplicateFault(selector: p.selector, copies: p.copies, limits: p.limits, start: now),
                           tap: p.selector.tap, name: name, origin: origin)
        case .hold(let p):
            return install(HoldFault(selector: p.selector, duration: p.duration, until: p.until, maxHeld: p.count, start: now),
                           tap: p.selector.tap, name: name, origin: origin)
        case .reorder(let p):
            return install(ReorderFault(held: p.held, releasedBy: p.releasedBy, pairs: p.pairs, timeout: p.timeout, during: p.during, start: now),
                           tap: p.held.tap, name: name, origin: origin)
        case .httpError(let p):
            return install(HTTPErrorFault(selector: p.selector, failure: p.failure, limits: p.limits, start: now),
                           tap: p.selector.tap, name: name, origin: origin)
        case .holdToDevice(let identity, let syncs):
            return command(.matrixPolicy(.holdToDevice(identity: identity, syncs: syncs)))
        case .dropDeviceLists(let identity, let syncs):
            return command(.matrixPolicy(.dropDeviceLists(identity: identity, syncs: syncs)))
        case .stall(let p):
            return install(StallFault(selector: p.selector, duration: p.duration, start: now), tap: p.selector.tap, name: name, origin: origin)
        case .close(let p):
            guard let kind = p.insteadOf else {
                return command(.close(p.socket, target(p.identity, event: event), code: p.code, reason: p.reason))
            }
            let selector = MessageSelector(tap: p.socket.outboundTap, kinds: [kind], identity: p.identity)
            return install(CloseFault(selector: selector, mode: .close(p.code, reason: p.reason)), tap: selector.tap, name: name, origin: origin)
        case .abort(let p):
            guard let kind = p.insteadOf else { return command(.abort(p.socket, target(p.identity, event: event))) }
            let selector = MessageSelector(tap: p.socket.outboundTap, kinds: [kind], identity: p.identity)
            return install(CloseFault(selector: selector, mode: .abort), tap: selector.tap, name: name, origin: origin)

        case .rejoinSID(let mode, let identity):
            return command(.liveKitPolicy(.rejoinSID(mode, identity: identity)))
        case .order(let p):
            // Towards each subscriber: hold one of the pair until the other has passed on the same connection. The
            // track's SDP reaches a subscriber as the server's `offer` (dual-PC) or as the `answer` to its re-offer
            // (single-PC). Without a named publisher, the triggering event's identity is it; its own connection is
            // left alone.
            let publisher = p.publisher ?? event?.record.identity
            var update = MessageSelector(tap: .signalOut, kinds: ["update"], identity: p.subscriber, about: publisher)
            update.excludedIdentity = publisher
            var offer = MessageSelector(tap: .signalOut, kinds: ["offer", "answer"], identity: p.subscriber)
            offer.excludedIdentity = publisher
            let (held, releasedBy) = p.ordering == .mediaBeforeMetadata ? (update, offer) : (offer, update)
            return install(ReorderFault(held: held, releasedBy: releasedBy, timeout: p.timeout, start: now), tap: .signalOut, name: name, origin: origin)
        case .disconnectAfterNewInfo(let identity, let timeout):
            // The first `update` about the identity after the trigger is its old SID's DISCONNECTED; the next is the
            // new SID's info. Swap them on every other participant's connection.
            let update = MessageSelector(tap: .signalOut, kinds: ["update"], about: identity)
            return install(ReorderFault(held: update, releasedBy: update, timeout: timeout, start: now), tap: .signalOut, name: name, origin: origin)
        case .dataBeforeParticipant(let identity, let duration):
            // Hold every other participant's `update`s about the identity until the first data packet after this has
            // been delivered (or `duration` has passed): its data overtakes its ParticipantInfo.
            guard let identity = identity ?? event?.record.identity else { return [] }
            var update = MessageSelector(tap: .signalOut, kinds: ["update"], about: identity)
            update.excludedIdentity = identity
            let delivered = Trigger(pattern: EventPattern(kind: KindPattern("data.delivered")))
            return install(HoldFault(selector: update, duration: duration, until: delivered, start: now), tap: .signalOut, name: name, origin: origin)
        case .leave(let p):
            return command(.sendLeave(target(p.identity, event: event), reason: p.reason, action: p.action))
        case .simulate(let simulated, let identity):
            return command(.simulate(target(identity, event: event), simulated))
        case .refuseResume(let identity):
            return command(.liveKitPolicy(.refuseResume(identity: identity)))
        case .deleteRoom(let room):
            return command(.deleteRoom(room ?? event?.record.room))

        case .queue(let plan):
            return command(.decartPolicy(.queue(plan)))
        case .ackReject(let error):
            return command(.decartPolicy(.rejectInitialState(error: error)))
        case .ackEarly:
            return command(.decartPolicy(.acksBeforeRoomInfo))
        case .roomInfoEarly:
            return command(.decartPolicy(.roomInfoBeforeJoin))
        case .roomInfoURL(let url):
            return command(.decartPolicy(.roomInfoURL(url)))
        case .endSession(let ending):
            return command(.endDecartSession(target(ending.identity, event: event), ending))

        case .loss(let p):
            let seed = nextSeed()
            return install(MediaLossFault(selector: p.selector, percent: p.percent, limits: p.limits, seed: seed, start: now),
                           tap: p.selector.tap, name: name, origin: origin)
        case .mediaDelay(let p):
            let seed = nextSeed()
            return install(DelayJitterFault(selector: p.selector, by: p.by, jitter: p.jitter, limits: p.limits, seed: seed, start: now),
                           tap: p.selector.tap, name: name, origin: origin)
        case .freeze(let p):
            return install(FreezeFault(selector: p.selector, duration: p.duration, start: now), tap: p.selector.tap, name: name, origin: origin)
        case .dropKeyframes(let p):
            return install(DropKeyframesFault(selector: p.selector, limits: p.limits, start: now), tap: p.selector.tap, name: name, origin: origin)
        case .bandwidth(let p):
            return install(BandwidthCapFault(selector: p.selector, rate: p.rate, burst: p.burst, during: p.during, start: now),
                           tap: p.selector.tap, name: name, origin: origin)
        }
    }

    /// A fresh seed for one random filter, drawn from the scenario seed in firing order.
    private mutating func nextSeed() -> UInt64 { random.next() }

    private mutating func install(_ filter: any FaultFilter, tap: TapPoint, name: String, origin: FaultOrigin) -> [ScenarioEngineAction] {
        let installed = InstalledFilter(id: FilterID(nextFilter), tap: tap, filter: filter, origin: origin, actionName: name)
        nextFilter += 1
        filters.append(installed)
        var out: [ScenarioEngineAction] = [.installFilter(installed.id, tap: tap, summary: filter.summary)]
        if Self.isMedia(tap) { out.append(.log(FaultRecords.mediaStarted(installed))) }
        return out
    }

    /// Whom a command without an explicit identity is for: the triggering event's connection (or identity), and on
    /// the timeline every connection.
    private func target(_ identity: Identity?, event: SimEvent?) -> ConnectionTarget {
        if let identity { return .identity(identity) }
        if let connection = event?.record.connection { return .connection(connection) }
        if let identity = event?.record.identity { return .identity(identity) }
        return .all
    }
}
