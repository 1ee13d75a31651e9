import Foundation

/// An `sfusim serve` child process on a free port, started with a FIFO ready file (no polling).
final class ServerProcess {
    let process = Process()
    let ready: [String: Any]
    let startedAt: ContinuousClock.Instant
    let readyAt: ContinuousClock.Instant

    /// Starts `binary serve --port 0` plus `arguments` and blocks until the ready JSON arrives.
    init(binary: URL, arguments: [String] = []) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sfusim-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fifo = directory.appendingPathComponent("ready").path
        guard mkfifo(fifo, 0o600) == 0 else { throw BenchError("mkfifo failed") }
        process.executableURL = binary
        process.arguments = ["serve", "--port", "0", "--ready-file", fifo, "--log-level", "error"] + arguments
        process.standardOutput = FileHandle.nullDevice
        startedAt = ContinuousClock.now
        try process.run()
        // Opening a FIFO for reading blocks until the server opens it for writing.
        guard let handle = FileHandle(forReadingAtPath: fifo) else { throw BenchError("cannot open ready FIFO") }
        let data = handle.readDataToEndOfFile()
        readyAt = ContinuousClock.now
        try? handle.close()
        try? FileManager.default.removeItem(at: directory)
        guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw BenchError("bad ready JSON") }
        ready = json
    }

    var livekitURL: String { ready["livekit_url"] as? String ?? "" }

    /// Resident set size of the server, from /proc.
    var residentBytes: Int { SimBench.residentBytes(pid: process.processIdentifier) }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Resident set size of a process, from /proc (0 if unreadable).
func residentBytes(pid: Int32) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kib = Int(line.split(separator: " ").dropFirst().first { !$0.isEmpty } ?? "") else { return 0 }
    return kib * 1024
}

/// User + system CPU seconds a process has used, from /proc (clock ticks at 100 Hz).
func cpuSeconds(pid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return 0 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // After the command: state is field 3; utime and stime are fields 14 and 15 (1-based, man 5 proc).
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Percentiles of a sample (nearest rank).
struct Stats {
    var sorted: [Double]
    init(_ values: [Double]) { sorted = values.sorted() }
    func percentile(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
    var median: Double { percentile(50) }
}

func milliseconds(_ duration: Duration) -> Double { Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000 }

func raiseFileLimit() {
    var limit = rlimit()
    if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
        limit.rlim_cur = limit.rlim_max
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    }
}

func format(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
