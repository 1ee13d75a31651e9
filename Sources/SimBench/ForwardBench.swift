import ArgumentParser
import Foundation
import SimCore
import SimMedia
import SimRTP

/// 1 publisher → N subscribers through `MediaRouter`, over real ICE (127.0.0.1), DTLS and SRTP: every peer is a
/// `PeerTransport` pair (the server side and a synthetic client side), so each forwarded packet is decrypted,
/// munged, and re-encrypted per subscriber exactly as in `sfusim serve`.
///
/// Besides whole-process throughput (synthetic peers included; the publisher keeps at most 64 packets in flight, so
/// rounds measure sustained forwarding) it reports the server side alone: the CPU time spent inside
/// `MediaRouter.rtpReceived` (munging, caching, SRTP protect and the UDP send of every forwarded packet), measured
/// per call with `CLOCK_THREAD_CPUTIME_ID`, as forwarded packets per second per core; and the CPU time of the
/// publisher-side transport's receive thread, which runs the whole server path (libnice receive, SRTP decrypt,
/// routing, protect, send). With `--allocs` (run it through
/// `scripts/bench-allocs`, which preloads a malloc counter) it reports mallocs per forwarded packet inside
/// `rtpReceived` and for the whole process.
struct Forward: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Forwarding throughput, server CPU per packet and added latency, 1 publisher → N subscribers (SRTP both ways).")

    @Option(help: "Subscribers.") var subscribers = 10
    @Option(help: "Packets per throughput round.") var packets = 20_000
    @Option(help: "Packets per second for the latency round.") var rate = 10_000
    @Option(help: "Seconds of the latency round.") var seconds = 3
    @Option(help: "RTP payload bytes.") var payload = 1000
    @Option(name: .customLong("repeat"), help: "Throughput rounds; medians are reported.") var repetitions = 5
    @Flag(help: "Count mallocs per forwarded packet (needs the LD_PRELOAD counter: use scripts/bench-allocs).") var allocs = false

    func run() async throws {
        try MediaLibraries.initializeOnce()
        let counter = allocs ? try AllocationCounter() : nil
        let rig = try await ForwardRig(subscribers: subscribers, allocationCounter: counter)
        defer { rig.close() }
        // One unmeasured round first: learning, cache slots and buffers reach their steady state.
        _ = try await rig.blast(packets: min(packets, 2_000), payload: payload)
        var rates: [Double] = [], perCore: [Double] = [], perCoreWithReceive: [Double] = []
        var routerAllocs: [Double] = [], pathAllocs: [Double] = [], processAllocs: [Double] = []
        for round in 0..<repetitions {
            let result = try await rig.blast(packets: packets, payload: payload)
            let perSecond = Double(result.forwarded) / result.elapsed
            let routerRate = Double(result.forwarded) / result.routerCPU
            // The whole forward path runs on the publisher-side transport's receive thread (libnice receive, SRTP
            // decrypt, routing, every subscriber's protect and send): its CPU time is the server's cost.
            let serverRate = Double(result.forwarded) / result.receiveThreadCPU
            rates.append(perSecond)
            perCore.append(routerRate)
            perCoreWithReceive.append(serverRate)
            var line = "round \(round + 1): forwarded \(result.forwarded) of \(packets * subscribers) packets in \(format(result.elapsed * 1000, 0)) ms = \(format(perSecond, 0)) pkt/s; process CPU \(format(result.processCPUShare * 100, 0)) % of one core; router CPU \(format(result.routerCPU * 1000, 1)) ms = \(format(routerRate, 0)) pkt/s per core; the whole receive thread \(format(serverRate, 0)) pkt/s per core"
            if let allocations = result.allocations, result.forwarded > 0 {
                let router = Double(allocations.router) / Double(result.forwarded)
                let path = Double(allocations.receivePath) / Double(result.forwarded)
                let process = Double(allocations.process) / Double(result.forwarded)
                routerAllocs.append(router)
                pathAllocs.append(path)
                processAllocs.append(process)
                line += "; mallocs per forwarded packet: router \(format(router, 3)), receive path \(format(path, 3)), whole process \(format(process, 2))"
            }
            print(line)
        }
        if counter != nil {
            print("forward_allocs subscribers=\(subscribers) payload=\(payload) repeats=\(repetitions) router_mallocs_per_forwarded_pkt_median=\(format(Stats(routerAllocs).median, 3)) receive_path_mallocs_per_forwarded_pkt_median=\(format(Stats(pathAllocs).median, 3)) process_mallocs_per_forwarded_pkt_median=\(format(Stats(processAllocs).median, 2))")
            return  // the latency round would be measured with the counter's overhead
        }
        let latencies = try await rig.paced(rate: rate, seconds: seconds, payload: payload)
        let stats = Stats(latencies)
        print("forward subscribers=\(subscribers) payload=\(payload) repeats=\(repetitions) forwarded_pkt_per_s_median=\(format(Stats(rates).median, 0)) router_pkt_per_core_s_median=\(format(Stats(perCore).median, 0)) server_pkt_per_core_s_median=\(format(Stats(perCoreWithReceive).median, 0)) latency_rate=\(rate) added_latency_p50_ms=\(format(stats.median, 3)) p99_ms=\(format(stats.percentile(99), 3)) samples=\(latencies.count)")
    }
}

/// The peers: one publisher pair and N subscriber pairs, all connected.
final class ForwardRig: @unchecked Sendable {
    let router: MediaRouter
    let publisherClient: PeerTransport
    var transports: [PeerTransport] = []
    let counter = ReceiveCounter()
    let meter: ForwardMeter
    /// The publisher-side server transport's ICE loop thread (its UDP receive), for the server CPU figure.
    let publisherReceiveThread: ThreadCPU?
    var nextSequence: UInt16 = 1
    /// How many subscribers each packet is forwarded to.
    let subscriberCount: Int
    static let track = TrackSID("TR_VCbench")
    static let publisherSSRC: UInt32 = 0x1234

    init(subscribers: Int, allocationCounter: AllocationCounter? = nil) async throws {
        subscriberCount = subscribers
        let clock = SystemClock()
        let scheduler = DispatchTimerScheduler()
        router = MediaRouter(clock: clock)
        let meter = ForwardMeter(allocationCounter: allocationCounter)
        self.meter = meter
        let iceThreadsBefore = ThreadCPU.threads(named: "sfusim-ice")
        let receiveThreads = ThreadIDBox()
        let (publisherServer, publisherClient) = try await Self.pair(clock: clock, scheduler: scheduler, router: router, counter: nil, meter: meter, serverCreated: {
            receiveThreads.ids = ThreadCPU.threads(named: "sfusim-ice").subtracting(iceThreadsBefore)
        })
        publisherReceiveThread = receiveThreads.ids.count == 1 ? receiveThreads.ids.first.map(ThreadCPU.init(id:)) : nil
        self.publisherClient = publisherClient
        transports += [publisherServer, publisherClient]
        router.publish(track: Self.track, on: publisherServer, ssrcs: [Self.publisherSSRC], codecs: [96: "vp8"])
        for index in 0..<subscribers {
            let (server, client) = try await Self.pair(clock: clock, scheduler: scheduler, router: router, counter: counter, meter: meter)
            transports += [server, client]
            router.subscribe(track: Self.track, transport: server, ssrc: 0x5000 + UInt32(index), payloadTypes: [96: 96], clockRate: 90_000)
        }
    }

    func close() { for transport in transports { transport.close() } }

    /// A connected server-side / client-side transport pair; server-side RTP/RTCP goes to the router (RTP through
    /// `meter`) when there is one. `serverCreated` runs once the server side (and its ICE thread) exists. With
    /// `dataChannels`, SCTP runs over the pair's DTLS and the client opens those channels (`serverEvents` sees the
    /// server side's events after the connect).
    static func pair(clock: any SimClock, scheduler: any TimerScheduler, router: MediaRouter?, counter: ReceiveCounter?, meter: ForwardMeter?,
                     dataChannels: [(label: String, reliable: Bool)] = [], serverEvents onServerEvent: (@Sendable (PeerTransport.Event) -> Void)? = nil,
                     serverCreated: () -> Void = {}) async throws -> (PeerTransport, PeerTransport) {
        let serverEvents = AsyncStream.makeStream(of: PeerTransport.Event.self)
        let clientEvents = AsyncStream.makeStream(of: PeerTransport.Event.self)
        let server = try PeerTransport(configuration: ICEConfiguration(role: .controlled), certificate: try DTLSCertificate(), clock: clock, scheduler: scheduler) { event in
            serverEvents.continuation.yield(event)
            onServerEvent?(event)
        }
        // As in `sfusim serve`: the server side hands decrypted media to the router on its receive thread.
        if let router, let meter { server.deliverMedia(to: MeteredSink(router: router, meter: meter)) }
        serverCreated()
        let client = try PeerTransport(configuration: ICEConfiguration(role: .controlling), certificate: try DTLSCertificate(), clock: clock, scheduler: scheduler) { event in
            if case .rtp(let packet) = event { counter?.received(packet) } else { clientEvents.continuation.yield(event) }
        }
        client.openDataChannels(dataChannels)
        let sctpPort: UInt16? = dataChannels.isEmpty ? nil : 5000
        try client.setRemote(.init(iceUfrag: server.localCredentials.ufrag, icePwd: server.localCredentials.pwd, fingerprint: server.localFingerprint,
                                   weAreDTLSClient: true, candidates: [], sctpPort: sctpPort))
        try server.setRemote(.init(iceUfrag: client.localCredentials.ufrag, icePwd: client.localCredentials.pwd, fingerprint: client.localFingerprint,
                                   weAreDTLSClient: false, candidates: [], sctpPort: sctpPort))
        try server.startGathering()
        try client.startGathering()
        async let a: Void = trickle(serverEvents.stream, to: client)
        async let b: Void = trickle(clientEvents.stream, to: server)
        _ = try await (a, b)
        return (server, client)
    }

    static func trickle(_ events: AsyncStream<PeerTransport.Event>, to peer: PeerTransport) async throws {
        for await event in events {
            switch event {
            case .localCandidate(let line): try peer.addRemoteCandidate(line)
            case .connected: return
            case .failed(let why): throw BenchError("transport failed: \(why)")
            default: continue
            }
        }
    }

    /// A VP8 keyframe-start RTP packet carrying the send time (monotonic ns) in its first payload bytes.
    func packet(sequence: UInt16, payload: Int, sentAt: UInt64) -> [UInt8] {
        var bytes: [UInt8] = [0x80, 96, UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
        bytes += withUnsafeBytes(of: (UInt32(sequence) &* 3000).bigEndian, Array.init)
        bytes += withUnsafeBytes(of: Self.publisherSSRC.bigEndian, Array.init)
        bytes += [0x10, 0x00]  // VP8 descriptor S=1 PID=0, then a keyframe header byte (P=0)
        bytes += withUnsafeBytes(of: sentAt.bigEndian, Array.init)
        bytes += [UInt8](repeating: 0xAB, count: max(0, payload - 10))
        bytes.reserveCapacity(bytes.count + SRTPContext.trailerSlack)
        return bytes
    }

    /// What one throughput round measured.
    struct BlastResult {
        /// Packets forwarded (all subscribers).
        var forwarded: UInt64
        /// Seconds from the first send to the last forward.
        var elapsed: Double
        /// The process's CPU share meanwhile (1 = one core).
        var processCPUShare: Double
        /// CPU seconds spent inside `MediaRouter.rtpReceived`.
        var routerCPU: Double
        /// CPU seconds of the publisher-side ICE receive thread (0 when it could not be identified).
        var receiveThreadCPU: Double
        /// Mallocs inside `rtpReceived`, on the whole receive path, and in the whole process, with `--allocs`.
        var allocations: (router: UInt64, receivePath: UInt64, process: UInt64)?
    }

    /// Sends `packets` as fast as the publisher's socket takes them, then waits until forwarding stops.
    func blast(packets: Int, payload: Int) async throws -> BlastResult {
        // Built before the measured window: the synthetic publisher's packet construction is not the server's.
        let datagrams = (0..<packets).map { _ in
            defer { nextSequence &+= 1 }
            return packet(sequence: nextSequence, payload: payload, sentAt: 0)
        }
        let before = router.forwardedPackets
        let meterBefore = meter.snapshot()
        let receiveBefore = publisherReceiveThread?.cpuSeconds() ?? 0
        let cpuBefore = processCPUSeconds()
        let clock = ContinuousClock()
        let start = clock.now
        // Closed loop: at most `window` packets in flight (sent, not yet forwarded to every subscriber), so the
        // publisher-side socket's receive buffer never overflows and the round measures sustained forwarding, not
        // how much of an unpaced burst a socket can hold.
        let window = 64
        var sent = 0
        for var bytes in datagrams {
            while sent - Int((router.forwardedPackets - before) / UInt64(max(1, subscriberCount))) >= window {
                try await clock.sleep(for: .microseconds(200))  // waiting for the forwarder to catch up (a bench pacer)
            }
            try publisherClient.sendRTP(&bytes)
            sent += 1
        }
        var last = router.forwardedPackets
        var lastChange = clock.now
        while clock.now - lastChange < .milliseconds(100) {
            try await clock.sleep(for: .milliseconds(10))  // sampling a counter, not waiting on an event
            let now = router.forwardedPackets
            if now != last {
                last = now
                lastChange = clock.now
            }
        }
        let meterAfter = meter.snapshot()
        let elapsed = milliseconds(lastChange - start) / 1000
        let allocations = meter.allocationCounter.map { _ in
            (router: meterAfter.routerAllocations - meterBefore.routerAllocations,
             receivePath: meterAfter.receivePathAllocations - meterBefore.receivePathAllocations,
             process: meterAfter.processAllocations - meterBefore.processAllocations)
        }
        return BlastResult(
            forwarded: last - before, elapsed: elapsed,
            processCPUShare: (processCPUSeconds() - cpuBefore) / milliseconds(clock.now - start) * 1000,
            routerCPU: Double(meterAfter.routerCPUNanoseconds - meterBefore.routerCPUNanoseconds) / 1e9,
            receiveThreadCPU: (publisherReceiveThread?.cpuSeconds() ?? 0) - receiveBefore,
            allocations: allocations
        )
    }

    /// Sends at `rate` for `seconds`; returns each received packet's send → receive latency in ms (includes the
    /// synthetic peers' own SRTP and ICE on both sides).
    func paced(rate: Int, seconds: Int, payload: Int) async throws -> [Double] {
        counter.reset()
        let clock = ContinuousClock()
        let origin = clock.now
        let total = rate * seconds
        for index in 0..<total {
            let due = origin + .nanoseconds(Int64(index) * 1_000_000_000 / Int64(rate))
            if clock.now < due { try await clock.sleep(until: due) }  // a paced source, not a wait for a condition
            var bytes = packet(sequence: nextSequence, payload: payload, sentAt: monotonicNanoseconds())
            nextSequence &+= 1
            try publisherClient.sendRTP(&bytes)
        }
        try await clock.sleep(for: .milliseconds(200))  // let the last packets land
        return counter.latencies()
    }
}

/// The router as the server-side transports' media sink, with its calls measured.
final class MeteredSink: MediaPacketSink, @unchecked Sendable {
    let router: MediaRouter
    let meter: ForwardMeter

    init(router: MediaRouter, meter: ForwardMeter) {
        self.router = router
        self.meter = meter
    }

    func rtpReceived(_ packet: [UInt8], from source: ObjectIdentifier) {
        meter.measure(receivePath: true) { router.rtpReceived(packet, from: source) }
    }

    func rtcpReceived(_ packet: [UInt8], from source: ObjectIdentifier) {
        router.rtcpReceived(packet, from: source)
    }
}

/// Holds thread ids found while a transport is created.
final class ThreadIDBox: @unchecked Sendable {
    var ids: Set<Int32> = []
}

/// Counts packets subscribers received and their latency (send time is in the payload).
final class ReceiveCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var samples: [Double] = []

    func received(_ packet: [UInt8]) {
        guard packet.count >= 22 else { return }
        var sentAt: UInt64 = 0
        for byte in packet[14..<22] { sentAt = sentAt << 8 | UInt64(byte) }
        guard sentAt > 0 else { return }
        let latency = Double(monotonicNanoseconds() &- sentAt) / 1_000_000
        lock.withLock { samples.append(latency) }
    }

    func reset() { lock.withLock { samples.removeAll() } }
    func latencies() -> [Double] { lock.withLock { samples } }
}

func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

