import ArgumentParser
import Foundation
import SimCore
import SimScenario
import SimServer

#if canImport(Glibc)
import Glibc
#endif

/// `sfusim run --scenario FILE [--junit OUT.xml] [--events OUT.jsonl] -- COMMAND…`: starts a server on a free
/// port, runs the command against it with the connection details in the environment, then judges the scenario's
/// expectations over the event log and writes the reports.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a command against a fresh sfusim server and judge a scenario's expectations.",
        discussion: """
        The command gets LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET, DECART_REALTIME_URL, SFUSIM_ADMIN_URL, \
        MATRIX_HOMESERVER_URL and LIVEKIT_JWT_SERVICE_URL. \
        Exit status: 0 when the command and every expectation passed, 1 otherwise, 2 for an unusable scenario. \
        The server runs the scenario's rules, timeline and commands at every tap (signalling, Decart control, media, \
        data, and the Matrix homeserver's HTTP); an invalid scenario is refused with its file:line:column errors.
        """
    )

    @Option(help: "The scenario: a file (YAML or JSON) or a built-in name (`sfusim scenarios`).")
    var scenario: String

    @Option(help: "Write a JUnit XML report here (one test case per expectation, plus the command).")
    var junit: String?

    @Option(help: "Write the event log (JSON lines) here.")
    var events: String?

    @Option(help: "Address the server listens on (WebRTC clients need a non-loopback one for media).")
    var bind: String = "127.0.0.1"

    @Option(help: "Seconds to wait for the server to be ready.")
    var readyTimeout: Int = 30

    @Argument(parsing: .postTerminator, help: "The command to run, after `--`.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the command to run after `--`") }
    }

    func run() throws {
        let scenario = try loadScenario()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("sfusim-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let eventsPath = events ?? work.appendingPathComponent("events.jsonl").path
        let readyPath = work.appendingPathComponent("ready").path
        guard mkfifo(readyPath, 0o600) == 0 else { throw RunFailure("cannot create the ready FIFO at \(readyPath)") }

        let server = Process()
        server.executableURL = URL(fileURLWithPath: Self.ownExecutable())
        server.arguments = ["serve", "--bind", bind, "--port", "0", "--ready-file", readyPath, "--event-log", eventsPath,
                            "--seed", String(scenario.seed == 0 ? 1 : scenario.seed), "--log-level", "warning", "--scenario", self.scenario]
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        let ready = try Self.readReady(readyPath, server: server, timeout: readyTimeout)
        guard let livekitURL = ready["livekit_url"] as? String, let adminURL = ready["admin_url"] as? String,
              let httpURL = ready["http_url"] as? String,
              let apiKey = ready["api_key"] as? String, let apiSecret = ready["api_secret"] as? String else {
            throw RunFailure("the server's ready file lacks its URLs or keys")
        }
        Self.progress("scenario \(scenario.name) (seed \(scenario.seed)), server at \(livekitURL)")

        var environment = ProcessInfo.processInfo.environment
        environment["LIVEKIT_URL"] = livekitURL
        environment["LIVEKIT_API_KEY"] = apiKey
        environment["LIVEKIT_API_SECRET"] = apiSecret
        environment["DECART_REALTIME_URL"] = livekitURL
        environment["SFUSIM_ADMIN_URL"] = adminURL
        environment["MATRIX_HOMESERVER_URL"] = httpURL  // the embedded homeserver, and the JWT service beside it
        environment["LIVEKIT_JWT_SERVICE_URL"] = httpURL
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        child.arguments = command
        child.environment = environment
        Self.progress("running: \(command.joined(separator: " "))")
        let started = Date()
        try child.run()
        child.waitUntilExit()
        let seconds = Date().timeIntervalSince(started)
        let status = child.terminationStatus
        Self.progress("command exited with \(status) after \(String(format: "%.1f", seconds)) s")

        server.terminate()
        server.waitUntilExit()
        let logged = try Self.readEvents(eventsPath)
        let report = ExpectationEvaluator(scenario: scenario).evaluate(logged, startMs: 0, final: true)
        for result in report.results {
            Self.progress("\(result.status.rawValue.uppercased()) \(result.name)\(result.reason.isEmpty ? "" : ": \(result.reason)")")
        }
        let commandCase = JUnitTestCase(
            name: "command: \(command.joined(separator: " "))", className: "sfusim.run", time: seconds,
            failure: status == 0 ? nil : JUnitFailure(message: "exit status \(status)")
        )
        if let junit {
            try Data(report.junitXML(extraCases: [commandCase]).utf8).write(to: URL(fileURLWithPath: junit))
        }
        let failed = report.count(.failed)
        Self.progress("\(report.results.count - failed) of \(report.results.count) expectations passed; command \(status == 0 ? "passed" : "failed")")
        if status != 0 || !report.passed { throw ExitCode(1) }
    }

    /// Loads the scenario or exits 2 with every mistake at its file:line:column.
    private func loadScenario() throws -> Scenario {
        try Serve.loadScenario(scenario)
    }

    private static func progress(_ line: String) {
        FileHandle.standardError.write(Data("sfusim run: \(line)\n".utf8))
    }

    /// This executable's path (to start the server with the same build).
    private static func ownExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Reads the server's ready JSON from the FIFO, failing if the server exits or `timeout` seconds pass.
    private static func readReady(_ path: String, server: Process, timeout: Int) throws -> [String: Any] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK)
        guard descriptor >= 0 else { throw RunFailure("cannot open the ready FIFO") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(TimeInterval(timeout))
        var wroteOnce = false
        while Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&poller, 1, 100)
            let count = read(descriptor, &buffer, buffer.count)
            if count > 0 {
                bytes += buffer[0..<count]
                wroteOnce = true
                continue
            }
            if count == 0, wroteOnce { break }  // the writer closed: the JSON is complete
            if !server.isRunning { throw RunFailure("the server exited with \(server.terminationStatus) before it was ready") }
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw RunFailure("the server was not ready within \(timeout) s")
        }
        return object
    }

    private static func readEvents(_ path: String) throws -> [SimEvent] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let decoder = JSONDecoder()
        return data.split(separator: 0x0A).compactMap { try? decoder.decode(SimEvent.self, from: Data($0)) }
    }
}

/// A run that could not be carried out (the server did not start, a FIFO could not be made).
struct RunFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
