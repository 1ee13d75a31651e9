import Foundation
import SimCore
import SimFaults
@testable import SimMedia
import SimRTP
import SimTestKit
import Testing

/// Collects a transport's events into a stream the test awaits.
final class TransportEvents: @unchecked Sendable {
    let stream: AsyncStream<PeerTransport.Event>
    let continuation: AsyncStream<PeerTransport.Event>.Continuation
    init() { (stream, continuation) = AsyncStream.makeStream() }
}

// In the ICE suite (serialized) so its thread-count checks never see these agents.
extension ICEAgentTests {
    @Test func twoPeerTransportsConnectOverICEAndDTLSAndCarrySRTP() async throws {
        try MediaLibraries.initializeOnce()
        let clock = SystemClock()
        let certificateA = try DTLSCertificate()
        let certificateB = try DTLSCertificate()
        let eventsA = TransportEvents()
        let eventsB = TransportEvents()
        let a = try PeerTransport(configuration: ICEConfiguration(role: .controlling), certificate: certificateA, clock: clock,
                                  scheduler: DispatchTimerScheduler()) { eventsA.continuation.yield($0) }
        let b = try PeerTransport(configuration: ICEConfiguration(role: .controlled), certificate: certificateB, clock: clock,
                                  scheduler: DispatchTimerScheduler()) { eventsB.continuation.yield($0) }
        defer {
            a.close()
            b.close()
        }
        try a.startGathering()
        try b.startGathering()
        // a offers (DTLS client, as a browser answering `passive` would make it), b answers passive (DTLS server).
        try a.setRemote(.init(iceUfrag: b.localCredentials.ufrag, icePwd: b.localCredentials.pwd, fingerprint: b.localFingerprint, weAreDTLSClient: true, candidates: []))
        try b.setRemote(.init(iceUfrag: a.localCredentials.ufrag, icePwd: a.localCredentials.pwd, fingerprint: a.localFingerprint, weAreDTLSClient: false, candidates: []))

        // Trickle each side's candidates to the other until both report connected.
        async let aConnected: Void = pump(eventsA, to: b)
        async let bConnected: Void = pump(eventsB, to: a)
        _ = try await (aConnected, bConnected)

        // RTP from a reaches b decrypted (SRTP keys from the DTLS exporter agree).
        var packet: [UInt8] = [0x80, 96, 0x00, 0x01, 0, 0, 0x03, 0xE8, 0xDE, 0xAD, 0xBE, 0xEF] + Array("hello".utf8)
        let original = packet
        packet.reserveCapacity(packet.count + SRTPContext.trailerSlack)
        try a.sendRTP(&packet)
        #expect(packet != original)  // encrypted on the wire
        for await event in eventsB.stream {
            if case .rtp(let received) = event {
                #expect(received == original)
                break
            }
        }
    }

    /// With a media sink attached, decrypted RTP and RTCP reach it synchronously on the transport's ICE receive
    /// thread and are no longer events; before that they are events (on the same thread).
    @Test func aMediaSinkGetsDecryptedPacketsOnTheReceiveThread() async throws {
        try MediaLibraries.initializeOnce()
        let sink = RecordingMediaSink()
        let serverEvents = TransportEvents()
        let (server, client) = try await connectedPair(serverEvents: serverEvents, clientEvents: TransportEvents())
        defer {
            server.close()
            client.close()
        }

        func rtp(_ sequence: UInt8) -> [UInt8] {
            var packet: [UInt8] = [0x80, 96, 0x00, sequence, 0, 0, 0x03, 0xE8, 0xDE, 0xAD, 0xBE, 0xEF] + Array("media".utf8)
            packet.reserveCapacity(packet.count + SRTPContext.trailerSlack)
            return packet
        }
        // Before a sink: an event.
        var first = rtp(1)
        try client.sendRTP(&first)
        for await event in serverEvents.stream {
            if case .rtp(let received) = event {
                #expect(received == rtp(1))
                break
            }
        }
        // With a sink: straight to it, on the receive thread, tagged with the transport.
        server.deliverMedia(to: sink)
        for sequence in 2...4 {
            var packet = rtp(UInt8(sequence))
            try client.sendRTP(&packet)
        }
        var receiverReport: [UInt8] = [0x80, 201, 0x00, 0x01, 0xDE, 0xAD, 0xBE, 0xEF]
        receiverReport.reserveCapacity(receiverReport.count + SRTPContext.trailerSlack)
        try client.sendRTCP(&receiverReport)
        let received = await sink.waitFor(rtp: 3, rtcp: 1)
        #expect(received.rtp == (2...4).map { rtp(UInt8($0)) })
        #expect(received.rtcp == [[0x80, 201, 0x00, 0x01, 0xDE, 0xAD, 0xBE, 0xEF]])
        #expect(received.sources == [ObjectIdentifier(server)])
        #expect(received.threads == ["sfusim-ice"])
    }

    /// Forwards `events`' local candidates to `peer` until the transport reports connected.
    func pump(_ events: TransportEvents, to peer: PeerTransport) async throws {
        for await event in events.stream {
            switch event {
            case .localCandidate(let line): try peer.addRemoteCandidate(line)
            case .connected: return
            case .failed(let why): throw TransportFailure(why: why)
            default: continue
            }
        }
    }

    struct TransportFailure: Error {
        var why: String
    }
}

extension ICEAgentTests {
    /// A connected server/client transport pair whose server-side media goes to `router` (on the receive thread,
    /// as in the server).
    func routedPair(router: MediaRouter, clientEvents: TransportEvents) async throws -> (PeerTransport, PeerTransport) {
        try await connectedPair(serverEvents: TransportEvents(), clientEvents: clientEvents, sink: router)
    }

    /// A server-side (DTLS server, ICE controlled) and client-side transport, connected over loopback; the server's
    /// media goes to `sink` when given, else to `serverEvents`.
    func connectedPair(serverEvents: TransportEvents, clientEvents: TransportEvents, sink: (any MediaPacketSink)? = nil) async throws -> (PeerTransport, PeerTransport) {
        let server = try PeerTransport(configuration: ICEConfiguration(role: .controlled), certificate: try DTLSCertificate(), clock: SystemClock(),
                                       scheduler: DispatchTimerScheduler()) { serverEvents.continuation.yield($0) }
        if let sink { server.deliverMedia(to: sink) }
        let client = try PeerTransport(configuration: ICEConfiguration(role: .controlling), certificate: try DTLSCertificate(), clock: SystemClock(),
                                       scheduler: DispatchTimerScheduler()) { clientEvents.continuation.yield($0) }
        try client.setRemote(.init(iceUfrag: server.localCredentials.ufrag, icePwd: server.localCredentials.pwd, fingerprint: server.localFingerprint, weAreDTLSClient: true, candidates: []))
        try server.setRemote(.init(iceUfrag: client.localCredentials.ufrag, icePwd: client.localCredentials.pwd, fingerprint: client.localFingerprint, weAreDTLSClient: false, candidates: []))
        try server.startGathering()
        try client.startGathering()
        async let a: Void = pump(serverEvents, to: client)
        async let b: Void = pump(clientEvents, to: server)
        _ = try await (a, b)
        return (server, client)
    }

    @Test func seededLossAtTheMediaTapDropsExactlyThePredictedPackets() async throws {
        try MediaLibraries.initializeOnce()
        let loss = { MediaLossFault(selector: MessageSelector(tap: .mediaRTP, participant: "PA_sub"), percent: Percentage(25), seed: 9, start: .zero) }
        let router = MediaRouter(clock: SystemClock())
        let taps = RuleInterceptor.applying(loss(), at: [.mediaRTP], now: { .zero })
        router.attachInterceptor(taps, scheduler: nil)
        let publisherEvents = TransportEvents()
        let subscriberEvents = TransportEvents()
        let (publisherServer, publisherClient) = try await routedPair(router: router, clientEvents: publisherEvents)
        let (subscriberServer, subscriberClient) = try await routedPair(router: router, clientEvents: subscriberEvents)
        defer { [publisherServer, publisherClient, subscriberServer, subscriberClient].forEach { $0.close() } }
        router.publish(track: "TR_VCtap", on: publisherServer, participant: "PA_pub", ssrcs: [0x1234], codecs: [96: "vp8"])
        router.subscribe(track: "TR_VCtap", transport: subscriberServer, participant: "PA_sub", ssrc: 0x5000, payloadTypes: [96: 96], clockRate: 90_000)

        var replay = loss()
        let context = TapContext(tap: .mediaRTP, kind: "rtp", participant: "PA_sub", track: "TR_VCtap")
        let passes = (0..<400).map { index in replay.decide(TapMessage(id: TapMessageID(UInt64(index)), context: context), now: .zero) == .pass }
        // Send up to the last packet that passes: once it arrives, the router (in order) has processed all of them.
        let count = (passes.lastIndex(of: true) ?? 0) + 1
        let expected = passes[..<count].filter { $0 }.count
        var sequences: [UInt16] = []
        var senderReports: [RTCPSenderReport] = []
        var events = subscriberEvents.stream.makeAsyncIterator()
        // Sent in batches, each awaited at the subscriber: a burst of hundreds of datagrams can overflow a loopback
        // socket's receive buffer, which would be real loss this test does not model.
        for start in stride(from: 0, to: count, by: 20) {
            let end = min(start + 20, count)
            for index in start..<end {
                // VP8 keyframe starts (descriptor S=1, PID=0; P=0), so every packet is forwardable on its own.
                var packet: [UInt8] = [0x80, 96, UInt8(index >> 8), UInt8(index & 0xFF), 0, 0, 0, UInt8(index & 0xFF), 0, 0, 0x12, 0x34, 0x10, 0x00]
                packet += [UInt8](repeating: 0xAB, count: 100)
                packet.reserveCapacity(packet.count + SRTPContext.trailerSlack)
                try publisherClient.sendRTP(&packet)
            }
            let due = passes[..<end].filter { $0 }.count
            while sequences.count < due, let event = await events.next() {
                switch event {
                case .rtp(let packet): sequences.append(UInt16(packet[2]) << 8 | UInt16(packet[3]))
                case .rtcp(let packet):
                    for case .senderReport(let report) in (try? RTCPPacket.parseCompound(packet)) ?? [] { senderReports.append(report) }
                default: break
                }
            }
        }
        #expect(sequences.count == expected)
        // The first forwarded packet triggers a sender report on the subscriber's SSRC (then one per interval).
        let report = try #require(senderReports.first)
        #expect(report.ssrc == SSRC(0x5000) && report.packetCount >= 1 && report.ntpTimestamp > 0)

        // The subscriber NACKs the first two packets the impairment removed: they come back from the down track's
        // cache with the same sequence numbers. (A packet it already has would be refused by its SRTP replay window,
        // as libwebrtc's is.)
        let lost = Array(zip(sequences, sequences.dropFirst()).filter { $1 &- $0 > 1 }.map { $0.0 &+ 1 }.prefix(2))
        #expect(lost.count == 2)
        var nack = RTCPPacket.nack(RTCPNack(senderSSRC: SSRC(9), mediaSSRC: SSRC(0x5000), lostSequenceNumbers: lost)).serialized()
        nack.reserveCapacity(nack.count + SRTPContext.trailerSlack)
        try subscriberClient.sendRTCP(&nack)
        var resent: [UInt16] = []
        for await event in subscriberEvents.stream {
            if case .rtp(let packet) = event { resent.append(UInt16(packet[2]) << 8 | UInt16(packet[3])) }
            if resent.count == lost.count { break }
        }
        #expect(resent.sorted() == lost.sorted())
        #expect(router.retransmittedPackets == UInt64(lost.count))
        #expect(router.forwardedPackets == UInt64(expected))
        #expect(router.tapDrops == UInt64(count - expected))
        // The impairment acts on the subscriber's link (after the munger): dropped packets leave sequence gaps, as real
        // loss would, so the subscriber's NACK/PLI machinery is exercised. Every sent packet took one sequence number.
        let firstPass = passes.firstIndex(of: true) ?? 0
        #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $1 &- $0 >= 1 && $1 &- $0 < 100 })
        if let first = sequences.first, let last = sequences.last {
            #expect(Int(last &- first) + 1 == count - firstPass)
        }
        #expect(expected > count * 6 / 10 && expected < count * 9 / 10)  // ~25 % dropped
    }
}

/// Records what a transport hands its media sink, and on which thread.
final class RecordingMediaSink: MediaPacketSink, @unchecked Sendable {
    struct Received {
        var rtp: [[UInt8]] = []
        var rtcp: [[UInt8]] = []
        var sources: Set<ObjectIdentifier> = []
        var threads: Set<String> = []
    }

    private let lock = NSLock()
    private var received = Received()
    /// Every change, as it happens.
    private let updates = AsyncStream.makeStream(of: Received.self)

    func rtpReceived(_ packet: [UInt8], from source: ObjectIdentifier) { record(source: source) { $0.rtp.append(packet) } }
    func rtcpReceived(_ packet: [UInt8], from source: ObjectIdentifier) { record(source: source) { $0.rtcp.append(packet) } }

    private func record(source: ObjectIdentifier, _ change: (inout Received) -> Void) {
        // The calling thread's name (Linux: /proc/thread-self is the calling thread's task directory).
        let thread = ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "?").trimmingCharacters(in: .whitespacesAndNewlines)
        let now: Received = lock.withLock {
            change(&received)
            received.sources.insert(source)
            received.threads.insert(thread)
            return received
        }
        updates.continuation.yield(now)
    }

    /// What arrived, once `rtp` RTP and `rtcp` RTCP packets have.
    func waitFor(rtp: Int, rtcp: Int) async -> Received {
        for await now in updates.stream where now.rtp.count >= rtp && now.rtcp.count >= rtcp { return now }
        return lock.withLock { received }
    }
}
