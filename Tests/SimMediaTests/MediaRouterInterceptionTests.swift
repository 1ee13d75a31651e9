import Foundation
import SimCore
import SimFaults
import SimMedia
import SimRTP
import Testing

/// A media-tap interceptor with fixed outcomes per (direction, participant), recording what it saw.
final class MediaInterceptor: TapInterceptor, @unchecked Sendable {
    private let lock = NSLock()
    var outcomes: [String: TapOutcome] = [:]
    private(set) var seen: [TapContext] = []

    static func key(_ tap: TapPoint, _ direction: EventDirection?, _ participant: ParticipantSID?) -> String {
        "\(tap.rawValue) \(direction?.rawValue ?? "-") \(participant?.rawValue ?? "-")"
    }

    func isActive(at tap: TapPoint) -> Bool { tap == .mediaRTP || tap == .mediaRTCP }
    func intercept(_ context: TapContext) -> TapOutcome {
        lock.withLock {
            seen.append(context)
            return outcomes[Self.key(context.tap, context.direction, context.participant)] ?? .pass
        }
    }
}

/// Runs scheduled closures when the test says so.
final class StepScheduler: TimerScheduler, @unchecked Sendable {
    private struct Handle: TimerHandle {
        func cancel() {}
    }
    private let lock = NSLock()
    private var pending: [(Duration, @Sendable () -> Void)] = []

    func schedule(after delay: Duration, _ fire: @escaping @Sendable () -> Void) -> any TimerHandle {
        lock.withLock { pending.append((delay, fire)) }
        return Handle()
    }

    /// The delays asked for so far.
    var delays: [Duration] { lock.withLock { pending.map(\.0) } }

    /// Runs everything scheduled, in order.
    func runAll() {
        let due = lock.withLock { defer { pending = [] }; return pending }
        for (_, fire) in due { fire() }
    }
}

@Suite struct MediaRouterInterceptionTests {
    static let track: TrackSID = "TR_VCtap"
    let clock = ManualClock()
    let router: MediaRouter
    let publisher = RecordingTransport()
    let alice = RecordingTransport(), bob = RecordingTransport()
    let interceptor = MediaInterceptor()
    let scheduler = StepScheduler()
    final class Sequence: @unchecked Sendable { var next: UInt16 = 1 }
    let sequence = Sequence()

    init() {
        router = MediaRouter(clock: clock)
        router.publish(track: Self.track, on: publisher, participant: "PA_pub", ssrcs: [0xAAAA], codecs: [96: "VP8"])
        router.subscribe(track: Self.track, transport: alice, participant: "PA_alice", ssrc: 0x5001, payloadTypes: [96: 96], clockRate: 90_000)
        router.subscribe(track: Self.track, transport: bob, participant: "PA_bob", ssrc: 0x5002, payloadTypes: [96: 96], clockRate: 90_000)
        router.attachInterceptor(interceptor, scheduler: scheduler)
    }

    /// One VP8 packet, a keyframe start or a delta frame.
    func send(keyframe: Bool) {
        let seq = sequence.next
        sequence.next &+= 1
        let payload: [UInt8] = [0x10, keyframe ? 0x00 : 0x01] + [UInt8](repeating: 7, count: 100)
        let bytes = (try? RTPPacket(payloadType: 96, sequenceNumber: seq, timestamp: UInt32(seq) * 3000, ssrc: 0xAAAA, payload: payload).serialized()) ?? []
        router.rtpReceived(bytes, from: publisher)
    }

    @Test func aDropForOneSubscriberLeavesTheOtherAndTheContextCarriesSizeKeyframeAndDirection() {
        interceptor.outcomes[MediaInterceptor.key(.mediaRTP, .outbound, "PA_bob")] = .drop
        send(keyframe: true)
        send(keyframe: false)
        #expect(alice.takeRTP().count == 2)
        #expect(bob.takeRTP().isEmpty)
        #expect(router.tapDrops == 2)
        let inbound = interceptor.seen.filter { $0.direction == .inbound && $0.tap == .mediaRTP }
        #expect(inbound.map(\.participant) == ["PA_pub", "PA_pub"] && inbound.map(\.isKeyframe) == [true, false])
        #expect(inbound.allSatisfy { $0.payloadBytes == 102 && $0.track == Self.track && $0.kind == "rtp" })
        #expect(interceptor.seen.filter { $0.direction == .outbound && $0.tap == .mediaRTP }.map(\.participant) == ["PA_alice", "PA_bob", "PA_alice", "PA_bob"])
    }

    @Test func aDelayedOutboundPacketIsSentWhenItsTimerRunsWithTheSameBytes() {
        send(keyframe: true)
        let undelayed = alice.takeRTP()
        _ = bob.takeRTP()
        interceptor.outcomes[MediaInterceptor.key(.mediaRTP, .outbound, "PA_alice")] = .delay(.milliseconds(80))
        send(keyframe: false)
        #expect(alice.takeRTP().isEmpty && bob.takeRTP().count == 1)
        #expect(scheduler.delays == [.milliseconds(80)] && router.tapDelays == 1)
        let forwardedBefore = router.forwardedPackets
        scheduler.runAll()
        #expect(router.forwardedPackets == forwardedBefore + 1)  // counted (and reported) when it goes out
        let late = alice.takeRTP()
        #expect(late.count == 1 && late.first?.sequenceNumber == undelayed.first.map { $0.sequenceNumber &+ 1 })
    }

    @Test func aDelayedInboundPacketIsForwardedToEveryoneLater() {
        send(keyframe: true)
        _ = (alice.takeRTP(), bob.takeRTP())
        interceptor.outcomes[MediaInterceptor.key(.mediaRTP, .inbound, "PA_pub")] = .delay(.milliseconds(30))
        send(keyframe: false)
        #expect(alice.takeRTP().isEmpty && bob.takeRTP().isEmpty)
        interceptor.outcomes = [:]
        scheduler.runAll()
        #expect(alice.takeRTP().count == 1 && bob.takeRTP().count == 1)
    }

    @Test func aDroppedKeyframeRequestNeverReachesThePublisher() {
        send(keyframe: true)
        _ = publisher.takeRTCP()
        interceptor.outcomes[MediaInterceptor.key(.mediaRTCP, .inbound, "PA_alice")] = .drop
        let pli = RTCPPacket.pli(RTCPPictureLossIndication(senderSSRC: 9, mediaSSRC: 0x5001)).serialized()
        router.rtcpReceived(pli, from: alice)
        #expect(publisher.takePLIs().isEmpty)
        let bobPLI = RTCPPacket.pli(RTCPPictureLossIndication(senderSSRC: 9, mediaSSRC: 0x5002)).serialized()
        router.rtcpReceived(bobPLI, from: bob)
        #expect(publisher.takePLIs() == [0xAAAA])
    }

    @Test func detachedTheRouterNoLongerAsks() {
        router.attachInterceptor(nil, scheduler: nil)
        interceptor.outcomes[MediaInterceptor.key(.mediaRTP, .outbound, "PA_bob")] = .drop
        send(keyframe: true)
        #expect(bob.takeRTP().count == 1 && interceptor.seen.isEmpty)
    }
}
