import Foundation
import SimCore
@testable import SimMedia
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
