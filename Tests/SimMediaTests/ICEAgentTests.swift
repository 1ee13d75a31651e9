import Foundation
import Testing
@testable import SimMedia

/// Real libnice agents on 127.0.0.1. Serialized: the leak test counts this process's `sfusim-ice` threads.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct ICEAgentTests {
    @Test func twoAgentsConnectAndExchangeDatagrams() async throws {
        var pair = try await ConnectedPair.make()
        defer { pair.close() }
        #expect(pair.controllingStates.contains(.connecting))

        let ping: [UInt8] = [0x16, 0xFE, 0xFD] + (0..<197).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try pair.controlling.send(ping)
        #expect(await pair.controlledEvents.nextDatagram() == ping)

        let pong: [UInt8] = [0x80, 0x60] + [UInt8](repeating: 0xA5, count: 1198)
        try pair.controlled.send(pong)
        #expect(await pair.controllingEvents.nextDatagram() == pong)

        try pair.controlling.send([])
        try pair.controlling.send([0x00, 0x01, 0x00, 0x00])  // an RFC 7983 STUN-range first byte, as payload
        #expect(await pair.controlledEvents.nextDatagram() == [0x00, 0x01, 0x00, 0x00])
    }

    @Test func gathersOnlyTheConfiguredAddressWithinThePortRange() async throws {
        let agent = try ICEAgent(configuration: ICEConfiguration(portRange: 41000...41999, role: .controlling))
        defer { agent.close() }
        #expect(agent.localCredentials.ufrag.count >= 4)
        #expect(agent.localCredentials.pwd.count >= 22)
        try agent.gather()
        var events = agent.events.makeAsyncIterator()
        let (candidates, _) = await events.candidatesUntilGatheringDone()
        #expect(!candidates.isEmpty)
        for text in candidates {
            #expect(text.hasPrefix("candidate:"))
            let candidate = try ICECandidateLine(parsing: text)
            #expect(candidate.address == "127.0.0.1")
            #expect(candidate.type == .host)
            #expect(candidate.transport == .udp)
            #expect((41000...41999).contains(candidate.port))
        }
    }

    @Test func rejectsMalformedRemoteInputWithTypedErrors() throws {
        let agent = try ICEAgent()
        defer { agent.close() }
        #expect(throws: ICEError.malformedCandidate(.missingPrefix)) {
            try agent.addRemoteCandidate(sdpLine: "garbage")
        }
        #expect(throws: ICEError.malformedCandidate(.tooFewFields)) {
            try agent.addRemoteCandidate(sdpLine: "a=candidate:1 1 udp")
        }
        #expect(throws: ICEError.malformedCandidate(.invalidAddress)) {
            try agent.addRemoteCandidate(sdpLine: "candidate:1 1 udp 2122260223 abcd.local 50000 typ host")
        }
        #expect(throws: ICEError.unsupportedCandidateComponent(2)) {
            try agent.addRemoteCandidate(sdpLine: "candidate:1 2 udp 2122260223 127.0.0.1 50001 typ host")
        }
        #expect(throws: ICEError.invalidRemoteCredentials) {
            try agent.addRemoteCredentials(ufrag: "", pwd: "abcdefghijklmnopqrstuvwx")
        }
        #expect(throws: ICEError.invalidRemoteCredentials) {
            try agent.addRemoteCredentials(ufrag: "ab\u{0}c", pwd: "abcdefghijklmnopqrstuvwx")
        }
        // ICE-TCP is off: libnice parses a TCP candidate but does not add it.
        #expect(throws: ICEError.candidateNotAdded) {
            try agent.addRemoteCandidate(sdpLine: "candidate:3 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active")
        }
        // Well-formed lines, with and without `a=`, are accepted.
        try agent.addRemoteCandidate(sdpLine: "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0")
        try agent.addRemoteCandidate(sdpLine: "a=candidate:2 1 UDP 2122260222 127.0.0.1 50002 typ host\r\n")
        try agent.endOfRemoteCandidates()
    }

    @Test func rejectsUnusableConfigurations() {
        #expect(throws: ICEError.invalidConfiguration("localAddresses is empty: the agent never gathers on every interface")) {
            try ICEAgent(configuration: ICEConfiguration(localAddresses: []))
        }
        #expect(throws: ICEError.invalidLocalAddress("localhost")) {
            try ICEAgent(configuration: ICEConfiguration(localAddresses: ["localhost"]))
        }
        #expect(throws: ICEError.self) {
            try ICEAgent(configuration: ICEConfiguration(portRange: 0...10))
        }
    }

    @Test func sendBeforeConnectingFails() throws {
        let agent = try ICEAgent()
        defer { agent.close() }
        try agent.gather()
        #expect(throws: ICEError.sendFailed) { try agent.send([1, 2, 3]) }
    }

    @Test func closeIsIdempotentFinishesEventsAndLeavesThePeerUsable() async throws {
        var pair = try await ConnectedPair.make()
        defer { pair.close() }

        pair.controlling.close()
        pair.controlling.close()
        #expect(pair.controlling.isClosed)
        #expect(throws: ICEError.closed) { try pair.controlling.send([1]) }
        #expect(throws: ICEError.closed) { try pair.controlling.gather() }
        #expect(throws: ICEError.closed) {
            try pair.controlling.addRemoteCandidate(sdpLine: "candidate:1 1 udp 1 127.0.0.1 9 typ host")
        }
        #expect(throws: ICEError.closed) { try pair.controlling.endOfRemoteCandidates() }
        // The event stream ends after the events buffered before close.
        while await pair.controllingEvents.next() != nil {}

        // The peer is not told (no close message in ICE); it stays open and sending is still harmless.
        #expect(!pair.controlled.isClosed)
        try pair.controlled.send([0xDE, 0xAD])
    }

    @Test func closeWhileAnotherTaskSendsEndsCleanly() async throws {
        var pair = try await ConnectedPair.make()
        defer { pair.close() }
        let sender = pair.controlling
        let sending = Task.detached { () -> ICEError? in
            var sent = 0
            while true {
                do throws(ICEError) {
                    try sender.send([0x80, UInt8(truncatingIfNeeded: sent)])
                    sent += 1
                } catch .sendFailed {
                    continue  // a full socket buffer (EWOULDBLOCK) under this tight loop is not the point
                } catch {
                    return error
                }
            }
        }
        // Wait until datagrams flow, then close under the sender's feet.
        _ = await pair.controlledEvents.nextDatagram()
        pair.controlling.close()
        #expect(await sending.value == .closed)
    }

    @Test func fiftyAgentsLeaveNoThreadsOrSockets() async throws {
        // Warm up GLib/libnice one-time state first so it is not counted as a leak.
        try ICEAgent().close()
        let threadsBefore = ProcessResources.iceLoopThreads()
        let descriptorsBefore = ProcessResources.openDescriptors()

        var agents: [ICEAgent] = []
        for index in 0..<50 {
            let agent = try ICEAgent(configuration: ICEConfiguration(role: index.isMultiple(of: 2) ? .controlling : .controlled))
            try agent.gather()
            agents.append(agent)
        }
        #expect(ProcessResources.iceLoopThreads() == threadsBefore + 50)
        #expect(ProcessResources.openDescriptors() >= descriptorsBefore + 50)
        // Half close explicitly, half through deinit.
        for agent in agents.prefix(25) { agent.close() }
        agents.removeAll()

        // A joined thread can linger in /proc for an instant after pthread_join returns: re-read with a deadline.
        let deadline = ContinuousClock.now + .seconds(5)
        while ProcessResources.iceLoopThreads() > threadsBefore, ContinuousClock.now < deadline {
            await Task.yield()
        }
        #expect(ProcessResources.iceLoopThreads() == threadsBefore)
        #expect(ProcessResources.openDescriptors() <= descriptorsBefore + 5)
    }
}

// MARK: - Helpers

/// Two agents on 127.0.0.1 that exchanged credentials and candidates and both reached `ready`.
private struct ConnectedPair {
    let controlling: ICEAgent
    let controlled: ICEAgent
    var controllingEvents: AsyncStream<ICEEvent>.Iterator
    var controlledEvents: AsyncStream<ICEEvent>.Iterator
    /// The states the controlling agent went through before `ready`.
    var controllingStates: [ICEConnectionState]

    static func make() async throws -> ConnectedPair {
        let controlling = try ICEAgent(configuration: ICEConfiguration(role: .controlling))
        let controlled = try ICEAgent(configuration: ICEConfiguration(role: .controlled))
        var controllingEvents = controlling.events.makeAsyncIterator()
        var controlledEvents = controlled.events.makeAsyncIterator()

        try controlling.gather()
        try controlled.gather()
        let (controllingCandidates, statesA) = await controllingEvents.candidatesUntilGatheringDone()
        let (controlledCandidates, _) = await controlledEvents.candidatesUntilGatheringDone()

        try controlling.addRemoteCredentials(ufrag: controlled.localCredentials.ufrag, pwd: controlled.localCredentials.pwd)
        try controlled.addRemoteCredentials(ufrag: controlling.localCredentials.ufrag, pwd: controlling.localCredentials.pwd)
        for line in controlledCandidates { try controlling.addRemoteCandidate(sdpLine: line) }
        for line in controllingCandidates { try controlled.addRemoteCandidate(sdpLine: "a=" + line) }
        try controlling.endOfRemoteCandidates()
        try controlled.endOfRemoteCandidates()

        let controllingStates = await statesA + controllingEvents.statesUntil(.ready)
        let controlledStates = await controlledEvents.statesUntil(.ready)
        #expect(controllingStates.last == .ready)
        #expect(controlledStates.last == .ready)
        #expect(!controllingStates.contains(.failed))
        #expect(!controlledStates.contains(.failed))
        return ConnectedPair(
            controlling: controlling,
            controlled: controlled,
            controllingEvents: controllingEvents,
            controlledEvents: controlledEvents,
            controllingStates: controllingStates
        )
    }

    func close() {
        controlling.close()
        controlled.close()
    }
}

extension AsyncStream<ICEEvent>.Iterator {
    /// Local candidates (and state changes) up to `.gatheringDone`.
    fileprivate mutating func candidatesUntilGatheringDone() async -> ([String], [ICEConnectionState]) {
        var candidates: [String] = []
        var states: [ICEConnectionState] = []
        while let event = await next() {
            switch event {
            case .localCandidate(let line): candidates.append(line)
            case .stateChanged(let state): states.append(state)
            case .gatheringDone: return (candidates, states)
            case .datagramReceived: break
            }
        }
        Issue.record("events ended before gatheringDone")
        return (candidates, states)
    }

    /// State changes up to and including `target` (or `.failed`); the stream is left after it.
    fileprivate mutating func statesUntil(_ target: ICEConnectionState) async -> [ICEConnectionState] {
        var states: [ICEConnectionState] = []
        while let event = await next() {
            guard case .stateChanged(let state) = event else { continue }
            states.append(state)
            if state == target || state == .failed { return states }
        }
        Issue.record("events ended before \(target)")
        return states
    }

    /// The next received datagram, skipping other events; `nil` if the stream ends (or the test is cancelled).
    fileprivate mutating func nextDatagram() async -> [UInt8]? {
        while let event = await next() {
            if case .datagramReceived(let bytes) = event { return bytes }
        }
        return nil
    }
}

/// Reads this process's threads and descriptors from /proc (Linux).
private enum ProcessResources {
    /// Threads named `sfusim-ice` (the libnice loop threads started by ICEAgent).
    static func iceLoopThreads() -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.count { task in
            let name = (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)) ?? ""
            return name.trimmingCharacters(in: .whitespacesAndNewlines) == "sfusim-ice"
        }
    }

    /// Open file descriptors.
    static func openDescriptors() -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).count
    }
}
