import Foundation
import SimCore
import SimMedia
import SimRTP

/// The publisher side of a generated track: plays a looping pre-encoded test pattern (`PatternVideoSource`) into
/// the `MediaRouter` at its frame rate, as if a client published it. It is the track's `MediaTransport` towards
/// the router, so keyframe requests reach it; the pattern has a keyframe every second, so a request is only
/// counted (a new subscriber's munger waits for the next one).
final class PatternGenerator: MediaTransport, @unchecked Sendable {
    private let lock = NSLock()
    private let source: PatternVideoSource
    /// The router of the room the generated track is published in.
    let router: MediaRouter
    private let clock: any SimClock
    private let scheduler: any TimerScheduler
    private var frame = 0
    private var started: SimInstant?
    private var timer: (any TimerHandle)?
    private var stopped = false
    private(set) var keyframeRequests = 0

    /// The SSRC the pattern is sent with.
    var ssrc: UInt32 { source.configuration.ssrc.value }

    init(source: PatternVideoSource, router: MediaRouter, clock: any SimClock, scheduler: any TimerScheduler) {
        self.source = source
        self.router = router
        self.clock = clock
        self.scheduler = scheduler
    }

    /// Sends frame 0 now and the following ones at their presentation times.
    func start() {
        lock.withLock { started = clock.now() }
        tick()
    }

    /// Stops sending (idempotent).
    func stop() {
        let pending: (any TimerHandle)? = lock.withLock {
            stopped = true
            defer { timer = nil }
            return timer
        }
        pending?.cancel()
    }

    private func tick() {
        let next: (packets: [[UInt8]], delay: Duration)? = lock.withLock {
            guard !stopped, let started else { return nil }
            let packets = source.packets(forFrame: frame)
            frame += 1
            let due = started + source.presentationTime(forFrame: frame)
            let now = clock.now()
            return (packets, due > now ? due - now : .zero)
        }
        guard let next else { return }
        for packet in next.packets { router.rtpReceived(packet, from: self) }
        let handle = scheduler.schedule(after: next.delay) { [weak self] in self?.tick() }
        lock.withLock {
            if stopped { handle.cancel() } else { timer = handle }
        }
    }

    // MARK: MediaTransport (the router's view of this "publisher")

    func sendRTP(_ packet: inout [UInt8]) throws {}

    func sendRTCP(_ packet: inout [UInt8]) throws {
        guard let packets = try? RTCPPacket.parseCompound(packet) else { return }
        let requests = packets.filter { if case .pli = $0 { true } else if case .fir = $0 { true } else { false } }.count
        lock.withLock { keyframeRequests += requests }
    }
}
