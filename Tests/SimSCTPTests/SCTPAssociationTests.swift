import SimCore
import Testing
@testable import SimSCTP

@Suite("SCTP association: engine transcripts and two engines back to back")
struct SCTPAssociationTests {
    func chunkKinds(_ packets: [SCTPPacket]) -> [String] {
        packets.map { packet in
            packet.chunks.map { chunk -> String in
                switch chunk {
                case .initiation: "INIT"
                case .initiationAck: "INIT-ACK"
                case .cookieEcho: "COOKIE-ECHO"
                case .cookieAck: "COOKIE-ACK"
                case .data: "DATA"
                case .sack: "SACK"
                case .forwardTSN: "FORWARD-TSN"
                case .reconfig: "RECONFIG"
                case .heartbeat: "HEARTBEAT"
                case .heartbeatAck: "HEARTBEAT-ACK"
                case .abort: "ABORT"
                case .shutdown: "SHUTDOWN"
                case .shutdownAck: "SHUTDOWN-ACK"
                case .shutdownComplete: "SHUTDOWN-COMPLETE"
                default: "other"
                }
            }.joined(separator: "+")
        }
    }

    @Test("one side opens: INIT, INIT-ACK, COOKIE-ECHO, COOKIE-ACK; both established once")
    func handshakeOneSide() throws {
        var pair = SCTPPair()
        pair.connect([.a])
        #expect(chunkKinds(pair.sent[.a] ?? []) == ["INIT", "COOKIE-ECHO"])
        #expect(chunkKinds(pair.sent[.b] ?? []) == ["INIT-ACK", "COOKIE-ACK"])
        let initPacket = try #require(pair.sent[.a]?.first)
        #expect(initPacket.verificationTag == 0 && initPacket.sourcePort == 5000 && initPacket.destinationPort == 5000)
        guard case .initiation(let initiation) = initPacket.chunks.first else { Issue.record("no INIT"); return }
        #expect(initiation.forwardTSNSupported && initiation.supportedExtensions.contains(130) && initiation.inboundStreams == 65535)
        #expect(pair.events[.a]?.filter { $0 == .established }.count == 1 && pair.events[.b]?.filter { $0 == .established }.count == 1)
    }

    @Test("INIT collision (both WebRTC ends send INIT): both establish, each exactly once")
    func initCollision() {
        var pair = SCTPPair(seed: 42)
        pair.connect([.a, .b])
        #expect(pair.a.isEstablished && pair.b.isEstablished)
        #expect(pair.events[.a]?.filter { $0 == .established }.count == 1 && pair.events[.b]?.filter { $0 == .established }.count == 1)
        // Afterwards data flows both ways with the tags each side learned.
        pair.on(.a) { $0.send(Array("ping".utf8), stream: 1, ppid: 51, now: $1) }
        pair.on(.b) { $0.send(Array("pong".utf8), stream: 2, ppid: 51, now: $1) }
        pair.run { $0.messages(.a).count == 1 && $0.messages(.b).count == 1 }
        #expect(pair.messages(.b).map(\.payload) == [Array("ping".utf8)] && pair.messages(.a).map(\.payload) == [Array("pong".utf8)])
    }

    @Test("a lost INIT is sent again after the RTO, then doubled; the handshake gives up after its retries")
    func handshakeRetransmission() {
        var pair = SCTPPair()
        var dropped = 0
        pair.dropWhere = { side, packet in
            guard side == .a, case .initiation = packet.chunks.first else { return false }
            dropped += 1
            return dropped <= 2
        }
        pair.connect([.a])
        #expect(pair.a.isEstablished && pair.b.isEstablished)
        let initTimes = pair.sent[.a]?.filter { if case .initiation = $0.chunks.first { true } else { false } }.count
        #expect(initTimes == 3)
        #expect(pair.now >= SimInstant.zero + .seconds(3))  // 1 s, then 2 s

        var lonely = SCTPAssociation(configuration: SCTPConfiguration(maxInitRetransmits: 2), seed: 3)
        var now = SimInstant.zero
        var actions = lonely.start(now: now)
        var aborted = false
        for _ in 0..<10 {
            guard case .armTimer(_, let at)? = actions.last else { break }
            now = at
            actions = lonely.timerFired(.handshake, now: now)
            if actions.contains(where: { if case .aborted = $0 { true } else { false } }) { aborted = true; break }
        }
        #expect(aborted && lonely.state == .terminated)
    }

    @Test("a timer woken before its deadline does nothing but ask again for that deadline; a cancelled one does nothing")
    func earlyWake() {
        var lonely = SCTPAssociation(configuration: SCTPConfiguration(), seed: 5)
        let actions = lonely.start(now: .zero)
        guard case .armTimer(.handshake, let at)? = actions.last else {
            Issue.record("no handshake timer armed: \(actions)")
            return
        }
        let early = lonely.timerFired(.handshake, now: SimInstant.zero + .milliseconds(10))
        #expect(early.count == 1)
        if case .armTimer(.handshake, let again)? = early.first { #expect(again == at) } else { Issue.record("\(early)") }
        let sentAtDeadline = lonely.timerFired(.handshake, now: at).filter { if case .sendPacket = $0 { true } else { false } }
        #expect(sentAtDeadline.count == 1)  // the INIT again
        #expect(lonely.timerFired(.heartbeat, now: at).isEmpty)  // never armed
    }

    @Test("a 256 KiB message is fragmented into MTU-sized chunks and reassembled whole")
    func fragmentation() throws {
        var pair = SCTPPair()
        pair.connect()
        let message = (0..<262_144).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        pair.on(.a) { $0.send(message, stream: 1, ppid: 53, now: $1) }
        pair.run { $0.messages(.b).count == 1 }
        #expect(pair.messages(.b).first?.payload == message)
        let dataChunks = pair.sent[.a]?.flatMap(\.chunks).filter { if case .data = $0 { true } else { false } }.count ?? 0
        #expect(dataChunks == (262_144 + 1171) / 1172)
        #expect(pair.sent[.a]?.allSatisfy { $0.serialized().count <= 1200 } == true)
    }

    @Test("Max.Burst: a send with a wide window goes out at most 4 packets beyond what is in flight; SACKs clock the rest")
    func maxBurst() throws {
        var pair = SCTPPair()
        pair.connect()
        pair.a.cwnd = 1 << 20  // a window far wider than the burst
        var first: [SCTPAssociation.Action] = []
        pair.on(.a) { association, now in
            first = association.send([UInt8](repeating: 7, count: 60_000), stream: 1, ppid: 53, now: now)
            return first
        }
        #expect(first.filter { if case .sendPacket = $0 { true } else { false } }.count == 4)
        pair.run { $0.messages(.b).count == 1 }
        #expect(pair.messages(.b).first?.payload.count == 60_000)
    }

    @Test("a lost DATA packet is retransmitted on T3 and the RTO backs off; the message arrives once")
    func retransmission() {
        var pair = SCTPPair()
        pair.connect()
        var drops = 0
        pair.dropWhere = { side, packet in
            guard side == .a, packet.chunks.contains(where: { if case .data = $0 { true } else { false } }) else { return false }
            drops += 1
            return drops <= 2  // the first send and the first retransmission
        }
        let start = pair.now
        pair.on(.a) { $0.send(Array("hello".utf8), stream: 1, ppid: 51, now: $1) }
        pair.run { $0.messages(.b).count == 1 }
        #expect(pair.messages(.b).map(\.payload) == [Array("hello".utf8)])
        let sends = pair.sent[.a]?.filter { $0.chunks.contains { if case .data = $0 { true } else { false } } }.count
        #expect(sends == 3)
        // No round trip measured yet (only DATA is timed): T3 fires after the initial 1 s, then after 2 s.
        #expect(pair.now - start >= .seconds(3))
    }

    @Test("maxRetransmits 0: a lost unordered message is abandoned, FORWARD-TSN moves the peer on, later ones arrive")
    func partialReliability() throws {
        var pair = SCTPPair()
        pair.connect()
        var dropped = false
        pair.dropWhere = { side, packet in
            guard side == .a, !dropped, packet.chunks.contains(where: { if case .data = $0 { true } else { false } }) else { return false }
            dropped = true
            return true
        }
        pair.on(.a) { $0.send([1], stream: 2, ppid: 53, ordered: false, maxRetransmits: 0, now: $1) }
        pair.run(limit: .milliseconds(50))
        pair.on(.a) { $0.send([2], stream: 2, ppid: 53, ordered: false, maxRetransmits: 0, now: $1) }
        pair.on(.a) { $0.send([3], stream: 2, ppid: 53, ordered: false, maxRetransmits: 0, now: $1) }
        pair.run { $0.a.pendingChunks == 0 && $0.messages(.b).count == 2 }
        #expect(pair.messages(.b).map(\.payload) == [[2], [3]] as [[UInt8]])
        #expect(pair.a.pendingChunks == 0)  // the abandoned chunk was forgotten once the peer moved past it
        let kinds = chunkKinds(pair.sent[.a] ?? [])
        #expect(kinds.contains { $0.contains("FORWARD-TSN") })
        // The lost one was sent exactly once: never retransmitted.
        let firstSends = pair.sent[.a]?.flatMap(\.chunks).filter { if case .data(let d) = $0 { d.payload == [1] } else { false } }.count
        #expect(firstSends == 1)
    }

    @Test("an ordered lossy message abandoned mid-stream: FORWARD-TSN names its SSN and later ordered messages flow")
    func partialReliabilityOrdered() {
        var pair = SCTPPair(seed: 9)
        pair.connect()
        var dropped = false
        pair.dropWhere = { side, packet in
            guard side == .a, !dropped, packet.chunks.contains(where: { if case .data(let d) = $0 { d.payload == [1] } else { false } }) else { return false }
            dropped = true
            return true
        }
        for value in 0..<4 as Range<UInt8> {
            pair.on(.a) { $0.send([value], stream: 3, ppid: 53, ordered: true, maxRetransmits: 0, now: $1) }
        }
        pair.run { $0.a.pendingChunks == 0 && $0.messages(.b).count == 3 }
        #expect(pair.messages(.b).map(\.payload) == [[0], [2], [3]] as [[UInt8]])
        let forward = pair.sent[.a]?.flatMap(\.chunks).compactMap { if case .forwardTSN(let f) = $0 { f } else { nil } }.first
        #expect(forward?.streams.first?.stream == 3 && forward?.streams.first?.ssn == 1)
    }

    @Test("stream reset: the peer's incoming stream resets, ours is confirmed, and the stream starts again at SSN 0")
    func streamReset() {
        var pair = SCTPPair()
        pair.connect()
        pair.on(.a) { $0.send([1], stream: 5, ppid: 51, now: $1) }
        pair.on(.a) { $0.resetStreams([5], now: $1) }
        pair.run { $0.reported(.a, .outgoingStreamsReset([5])) }
        #expect(pair.reported(.b, .incomingStreamsReset([5])))
        #expect(pair.messages(.b).map(\.payload) == [[1]])  // delivered before the reset
        pair.on(.a) { $0.send([2], stream: 5, ppid: 51, now: $1) }
        pair.run { $0.messages(.b).count == 2 }
        let second = pair.sent[.a]?.flatMap(\.chunks).compactMap { if case .data(let d) = $0, d.payload == [2] { d } else { nil } }.first
        #expect(second?.ssn == 0 && pair.messages(.b).last?.payload == [2])
    }

    @Test("HEARTBEAT is answered with its information; an idle association sends one at its interval")
    func heartbeat() {
        var pair = SCTPPair(a: SCTPConfiguration(heartbeatInterval: .seconds(30)))
        pair.connect()
        let before = pair.now
        pair.run(limit: .seconds(31))
        let heartbeats: [[UInt8]] = pair.sent[.a]?.flatMap(\.chunks).compactMap { if case .heartbeat(let info) = $0 { info } else { nil } } ?? []
        let answers: [[UInt8]] = pair.sent[.b]?.flatMap(\.chunks).compactMap { if case .heartbeatAck(let info) = $0 { info } else { nil } } ?? []
        #expect(!heartbeats.isEmpty && answers == Array(heartbeats.prefix(answers.count)) && !answers.isEmpty)
        #expect(pair.now - before >= .seconds(30))
    }

    @Test("ABORT ends both sides; SHUTDOWN closes both gracefully after the data is acknowledged")
    func abortAndShutdown() {
        var pair = SCTPPair()
        pair.connect()
        pair.on(.a) { association, _ in association.abort(reason: "test") }
        pair.run()
        #expect(pair.reported(.a, .aborted("test")) && pair.events[.b]?.contains { if case .aborted = $0 { true } else { false } } == true)
        #expect(pair.b.state == .terminated)

        var graceful = SCTPPair(seed: 5)
        graceful.connect()
        graceful.on(.a) { $0.send(Array(repeating: 7, count: 5000), stream: 0, ppid: 53, now: $1) }
        graceful.on(.a) { $0.shutdown(now: $1) }
        graceful.run { $0.reported(.a, .closed) && $0.reported(.b, .closed) }
        #expect(graceful.messages(.b).first?.payload.count == 5000)
        #expect(graceful.a.state == .terminated && graceful.b.state == .terminated)
        #expect(chunkKinds(graceful.sent[.a] ?? []).last == "SHUTDOWN-COMPLETE")
    }

    @Test("with seeded loss and reordering every reliable message arrives exactly once and in order per stream")
    func lossAndReordering() {
        for seed in [1, 2, 3] as [UInt64] {
            var pair = SCTPPair(seed: seed)
            pair.connect()
            pair.lossRate = 0.1
            pair.reorderRate = 0.3
            var expected: [UInt16: [[UInt8]]] = [:]
            for index in 0..<300 {
                let stream = UInt16(index % 3)
                let size = 1 + (index * 37) % 3000  // some span several chunks
                let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &+ index) }
                expected[stream, default: []].append(payload)
                pair.on(.a) { $0.send(payload, stream: stream, ppid: 53, now: $1) }
            }
            pair.run(limit: .seconds(600)) { $0.messages(.b).count >= 300 && $0.a.pendingChunks == 0 }
            let received = pair.messages(.b)
            #expect(received.count == 300, "seed \(seed)")
            #expect(pair.a.flightIsConsistent && pair.a.bytesInFlight == 0, "seed \(seed)")
            for stream in 0..<3 as Range<UInt16> {
                #expect(received.filter { $0.stream == stream }.map(\.payload) == expected[stream], "seed \(seed) stream \(stream)")
            }
        }
    }

    @Test("peer input never traps: garbage, wrong tags and ports, oversized messages are dropped and reported")
    func hostileInput() {
        var pair = SCTPPair()
        pair.connect()
        var association = pair.b
        var random = SeededRandom(seed: 11)
        for length in 0..<200 {
            let garbage = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = association.packetReceived(garbage, now: pair.now)
        }
        let wrongTag = SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: 12345, chunks: [.cookieAck]).serialized()
        #expect(association.packetReceived(wrongTag, now: pair.now).contains { if case .dropped = $0 { true } else { false } })
        #expect(association.isEstablished)

        var small = SCTPPair(a: SCTPConfiguration(), b: SCTPConfiguration(maxMessageSize: 1000))
        small.connect()
        small.on(.a) { $0.send(Array(repeating: 1, count: 5000), stream: 0, ppid: 53, now: $1) }
        small.on(.a) { $0.send([2], stream: 0, ppid: 53, now: $1) }
        small.run { $0.messages(.b).count == 1 }
        #expect(small.messages(.b).map(\.payload) == [[2]])  // the oversized one is skipped, not waited for
        #expect(small.events[.b]?.contains { if case .dropped(let why) = $0 { why.contains("over the 1000-byte limit") } else { false } } == true)
    }
}
