import ArgumentParser
import Foundation
import Logging
import NIOCore
import SimAuth
import SimCore
import SimProto
import SimSignal
import SwiftProtobuf
import WSClient

/// `sfusim-bench`: measurements of the quality bars in product.md §7 (release build; prints medians).
@main
struct SFUSimBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sfusim-bench",
        abstract: "Benchmarks for sfusim (run the release build).",
        subcommands: [Signal.self, Startup.self, Engine.self, Forward.self, SCTPEngine.self, DataChannel.self]
    )
}

/// The `sfusim` binary next to this one.
func serverBinary(_ override: String?) -> URL {
    if let override { return URL(fileURLWithPath: override) }
    let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    return me.deletingLastPathComponent().appendingPathComponent("sfusim")
}

/// Start-up to ready: process spawn → ready file written.
struct Startup: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Time from process start to the ready file (target ≤ 200 ms).")

    @Option(help: "Runs.") var runs = 20
    @Option(help: "Path to sfusim (default: next to this binary).") var server: String?

    func run() throws {
        var samples: [Double] = []
        var idle: [Double] = []
        for _ in 0..<runs {
            let process = try ServerProcess(binary: serverBinary(server))
            samples.append(milliseconds(process.readyAt - process.startedAt))
            idle.append(Double(process.residentBytes) / 1_048_576)
            let status = process.stop()
            guard status == 0 else { throw BenchError("server exited \(status) on SIGTERM") }
        }
        let stats = Stats(samples)
        print("startup_to_ready_ms runs=\(runs) median=\(format(stats.median)) p90=\(format(stats.percentile(90))) min=\(format(stats.percentile(0))) max=\(format(stats.percentile(100)))")
        print("idle_rss_mib median=\(format(Stats(idle).median, 1))")
    }
}

/// Concurrent joins: WebSocket upgrade → JoinResponse latency, and server RSS with everyone connected.
struct Signal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "N concurrent signalling joins: JoinResponse latency p50/p99 and RSS.")

    @Option(help: "Concurrent participants.") var clients = 100
    @Option(help: "Participants per room.") var perRoom = 10
    @Option(name: .customLong("repeat"), help: "Repetitions (a fresh server each); medians across repetitions are reported.") var repetitions = 3
    @Option(help: "Path to sfusim (default: next to this binary).") var server: String?
    @Option(help: "Use a running server at this ws:// URL instead of starting one (for profiling it).") var url: String?
    @Option(help: "With --url: the server's pid, for RSS and CPU figures.") var pid: Int32?

    func run() async throws {
        raiseFileLimit()
        var p50s: [Double] = [], p99s: [Double] = [], maxes: [Double] = [], rss: [Double] = [], idle: [Double] = []
        var connectP50s: [Double] = [], connectP99s: [Double] = [], cpu: [Double] = []
        for round in 0..<repetitions {
            let result = try await once()
            print("round \(round + 1): upgrade→join p50=\(format(result.p50)) ms p99=\(format(result.p99)) ms max=\(format(result.max)) ms; connect→join p50=\(format(result.connectP50)) ms p99=\(format(result.connectP99)) ms; idle_rss=\(format(result.idleMiB, 1)) MiB rss=\(format(result.rssMiB, 1)) MiB")
            connectP50s.append(result.connectP50); connectP99s.append(result.connectP99); cpu.append(result.serverCPUMicros)
            p50s.append(result.p50); p99s.append(result.p99); maxes.append(result.max); rss.append(result.rssMiB); idle.append(result.idleMiB)
        }
        let perParticipant = (Stats(rss).median - Stats(idle).median) * 1024 / Double(clients)
        print("signal_join clients=\(clients) per_room=\(perRoom) repeats=\(repetitions) upgrade_to_join_p50_ms=\(format(Stats(p50s).median)) upgrade_to_join_p99_ms=\(format(Stats(p99s).median)) max_ms=\(format(Stats(maxes).median)) connect_to_join_p50_ms=\(format(Stats(connectP50s).median)) connect_to_join_p99_ms=\(format(Stats(connectP99s).median)) rss_mib=\(format(Stats(rss).median, 1)) idle_rss_mib=\(format(Stats(idle).median, 1)) kib_per_participant=\(format(perParticipant, 1)) server_cpu_us_per_join=\(format(Stats(cpu).median, 0))")
    }

    /// One repetition: upgrade → JoinResponse percentiles, and the same from the TCP connect.
    struct Result {
        var p50, p99, max, connectP50, connectP99, rssMiB, idleMiB, serverCPUMicros: Double
    }

    func once() async throws -> Result {
        let server = try url == nil ? ServerProcess(binary: serverBinary(server), arguments: ["--seed", "1"]) : nil
        defer { server?.stop() }
        let pid = server?.process.processIdentifier ?? self.pid ?? 0
        let idle = Double(residentBytes(pid: pid)) / 1_048_576
        let url = server?.livekitURL ?? self.url ?? ""
        let runID = UUID().uuidString.prefix(6)
        let now = Date()
        let logger: Logger = {
            var logger = Logger(label: "bench")
            logger.logLevel = .critical
            return logger
        }()
        let requests: [(String, String)] = try (0..<clients).map { index in
            var builder = AccessTokenBuilder(apiKey: DevCredentials.apiKey, secret: DevCredentials.secret)
            builder.identity = Identity("p\(index)")
            builder.video = .join(RoomName("room-\(runID)-\(index / max(1, perRoom))"))
            var join = Livekit_JoinRequest()
            join.clientInfo.protocol = 17
            join.connectionSettings.autoSubscribe = true
            return (builder.jwt(now: now), try JoinRequestParameter.encode(join))
        }
        let cpuBefore = cpuSeconds(pid: pid)
        let joined = JoinBarrier(count: clients) { Double(residentBytes(pid: pid)) / 1_048_576 }
        let latencies = try await withThrowingTaskGroup(of: (Double, Double).self) { group in
            for (token, joinRequest) in requests {
                group.addTask { () -> (Double, Double) in
                    var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 22)
                    configuration.additionalHeaders[.authorization] = "Bearer \(token)"
                    let start = ContinuousClock.now
                    let latency = LatencyBox()
                    try await WebSocketClient.connect(url: "\(url)/rtc/v1?join_request=\(joinRequest)", configuration: configuration, logger: logger) { inbound, _, _ in
                        let upgraded = ContinuousClock.now
                        latency.connect = milliseconds(upgraded - start)
                        for try await message in inbound.messages(maxSize: 1 << 22) {
                            guard case .binary(let buffer) = message,
                                  let response = try? Livekit_SignalResponse(serializedBytes: Array(buffer.readableBytesView)),
                                  case .join = response.message else { continue }
                            latency.value = milliseconds(ContinuousClock.now - upgraded)
                            break
                        }
                        await joined.arriveAndWait()
                    }
                    return (latency.value, latency.connect)
                }
            }
            var values: [(Double, Double)] = []
            for try await value in group { values.append(value) }
            return values
        }
        let serverCPU = (cpuSeconds(pid: pid) - cpuBefore) * 1_000_000 / Double(clients)
        let stats = Stats(latencies.map(\.0))
        let connect = Stats(latencies.map { $0.0 + $0.1 })
        return Result(p50: stats.median, p99: stats.percentile(99), max: stats.percentile(100), connectP50: connect.median,
                      connectP99: connect.percentile(99), rssMiB: await joined.rssAtFull, idleMiB: idle, serverCPUMicros: serverCPU)
    }
}

/// Holds a latency measured inside a WebSocket handler.
final class LatencyBox: @unchecked Sendable {
    var value: Double = .nan
    var connect: Double = .nan
}

/// Keeps every client connected until all have joined, and samples the server RSS at that moment.
actor JoinBarrier {
    let count: Int
    var arrived = 0
    var waiters: [CheckedContinuation<Void, Never>] = []
    var rssAtFull: Double = 0
    let sample: @Sendable () -> Double

    init(count: Int, sample: @escaping @Sendable () -> Double) {
        self.count = count
        self.sample = sample
    }

    func arriveAndWait() async {
        arrived += 1
        if arrived == count {
            rssAtFull = sample()
            for waiter in waiters { waiter.resume() }
            waiters.removeAll()
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }
}
