import ArgumentParser
import Foundation
import SimCore
import SimMedia

/// Reliable data-channel throughput through our whole data stack over real ICE (127.0.0.1): a client-side
/// `PeerTransport` opens `_reliable` and sends `messages` of `size` bytes; the server-side transport (as in
/// `sfusim serve`) reassembles them. Both ends are ours and in this process, so the CPU share is for both: SCTP
/// (fragmentation, SACKs, congestion control), DTLS records both ways, libnice. Reports MB/s delivered and the
/// process CPU per delivered MB; the medians of the rounds.
struct DataChannel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "datachannel", abstract: "Data-channel throughput over ICE + DTLS + SCTP, one reliable channel (both ends ours).")

    @Option(help: "Messages per round.") var messages = 2_000
    @Option(help: "Message size in bytes (LiveKit SDKs send at most 15,000 per DataPacket).") var size = 15_000
    @Option(name: .customLong("repeat"), help: "Rounds; medians are reported.") var repetitions = 5

    func run() async throws {
        try MediaLibraries.initializeOnce()
        let received = ReceivedBytes()
        let (server, client) = try await ForwardRig.pair(
            clock: SystemClock(), scheduler: DispatchTimerScheduler(), router: nil, counter: nil, meter: nil,
            dataChannels: [("_reliable", true)], serverEvents: { event in
                switch event {
                case .dataChannelOpened: received.opened()
                case .dataChannelMessage(_, _, _, let payload): received.add(payload.count)
                default: break
                }
            })
        defer { server.close(); client.close() }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while !received.isOpen, clock.now < deadline { try await clock.sleep(for: .milliseconds(5)) }  // polling a flag with a deadline
        guard received.isOpen else { throw BenchError("the server never saw _reliable open") }
        let payload = [UInt8](repeating: 0x5A, count: size)
        var rates: [Double] = [], cpuPerMB: [Double] = []
        for round in 0..<repetitions {
            let before = received.total
            let cpuBefore = processCPUSeconds()
            let start = clock.now
            for _ in 0..<messages { guard client.sendData(payload, label: "_reliable") else { throw BenchError("_reliable is not open") } }
            let target = before + messages * size
            let roundDeadline = clock.now + .seconds(120)
            while received.total < target, clock.now < roundDeadline { try await clock.sleep(for: .milliseconds(2)) }  // sampling a counter
            let seconds = Double((clock.now - start).components.attoseconds) / 1e18 + Double((clock.now - start).components.seconds)
            let megabytes = Double(received.total - before) / 1e6
            let cpu = processCPUSeconds() - cpuBefore
            rates.append(megabytes / seconds)
            cpuPerMB.append(cpu / megabytes * 1000)
            print("round \(round + 1): \(format(megabytes, 1)) MB in \(format(seconds * 1000, 0)) ms = \(format(megabytes / seconds, 1)) MB/s; process CPU \(format(cpu / seconds * 100, 0)) % of one core = \(format(cpu / megabytes * 1000, 1)) ms per MB (both ends)")
        }
        print("datachannel size=\(size) messages=\(messages) mb_per_s_median=\(format(Stats(rates).median, 1)) cpu_ms_per_mb_median=\(format(Stats(cpuPerMB).median, 1)) (both ends; one end ≈ half)")
    }
}

/// What the server side received (set from its event callback).
final class ReceivedBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes = 0
    private var open = false
    func opened() { lock.withLock { open = true } }
    func add(_ count: Int) { lock.withLock { bytes += count } }
    var total: Int { lock.withLock { bytes } }
    var isOpen: Bool { lock.withLock { open } }
}
