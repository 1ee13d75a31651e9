import ArgumentParser
import Foundation
import Logging
import SimCore
import SimScenario
import SimServer

/// `sfusim serve`: runs the server with dev defaults until SIGINT/SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve LiveKit signalling, RoomService and the admin API (dev defaults).")

    @Option(help: "A server-wide scenario: a file (YAML or JSON) or a built-in name (`sfusim scenarios`).")
    var scenario: String?

    @Option(help: "YAML configuration file (keys: bind, port, node_ip, keys, log_level, event_log, seed, room.*, signal.*).")
    var config: String?

    @Option(help: "Address to listen on (default 127.0.0.1).")
    var bind: String?

    @Option(help: "HTTP/WebSocket port (default 7880; 0 picks a free port).")
    var port: Int?

    @Option(name: .customLong("node-ip"), help: "Address advertised in ICE candidates (default: the bind address).")
    var nodeIP: String?

    @Flag(help: "Dev mode (the default: key devkey, secret secret, bind 127.0.0.1); accepted for LiveKit compatibility.")
    var dev = false

    @Option(name: .customLong("ready-file"), help: "Write JSON with the bound port and URLs here once serving (a FIFO is written in place).")
    var readyFile: String?

    @Option(name: .customLong("event-log"), help: "Append every event as a JSON line to this file.")
    var eventLog: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?

    @Option(help: "Seed for every random choice (SIDs, credentials); default random.")
    var seed: UInt64?

    @Option(name: .customLong("api-key"), help: "API key (with --api-secret) replacing the configured keys.")
    var apiKey: String?

    @Option(name: .customLong("api-secret"), help: "API secret for --api-key.")
    var apiSecret: String?

    @Flag(name: .customLong("disable-rtc-v1"), help: "Answer 404 on /rtc/v1 so clients fall back to /rtc (dual-PC).")
    var disableRTCv1 = false

    @Flag(name: .customLong("no-auto-create"), help: "Refuse joins to rooms not created through RoomService.")
    var noAutoCreate = false

    @Option(name: .customLong("matrix-upstream"),
            help: "Stand in front of this homeserver (http://host:port) as a fault proxy instead of serving the embedded one.")
    var matrixUpstream: String?

    func run() async throws {
        var settings = ServerConfiguration()
        if let config {
            do {
                try settings.apply(yaml: try String(contentsOfFile: config, encoding: .utf8))
            } catch {
                throw ValidationError("\(config): \(error)")
            }
        }
        try settings.apply(environment: ProcessInfo.processInfo.environment)
        if let bind { settings.bind = bind }
        if let port { settings.port = port }
        if let nodeIP { settings.nodeIP = nodeIP }
        if let eventLog { settings.eventLog = eventLog }
        if let logLevel { settings.logLevel = logLevel }
        if let seed { settings.seed = seed }
        if disableRTCv1 { settings.signal.disableRTCv1 = true }
        if noAutoCreate { settings.room.autoCreate = false }
        if let matrixUpstream {
            guard (try? settings.apply(yaml: "matrix: {upstream: \"\(matrixUpstream)\"}")) != nil else {
                throw ValidationError("--matrix-upstream: expected http://host:port, got \(matrixUpstream)")
            }
        }
        switch (apiKey, apiSecret) {
        case (let key?, let secret?): settings.keys = [APIKey(key): secret]
        case (nil, nil): break
        default: throw ValidationError("--api-key and --api-secret go together")
        }
        guard let level = Logger.Level(rawValue: settings.logLevel) else {
            throw ValidationError("unknown log level \(settings.logLevel)")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "sfusim")
        let readyFile = self.readyFile
        var loaded: Scenario?
        if let scenario { loaded = try Self.loadScenario(scenario) }
        try await SimServerApp(configuration: settings, logger: logger, scenario: loaded).run { info in
            logger.info("sfusim ready", metadata: ["url": .string(info.livekitURL), "seed": .string(String(info.seed))])
            if let readyFile {
                do {
                    try info.write(to: readyFile)
                } catch {
                    logger.error("cannot write ready file", metadata: ["path": .string(readyFile), "error": .string("\(error)")])
                }
            }
        }
    }
}

extension Serve {
    /// Loads a scenario for the server, or exits 2 with every mistake (or the actions this build cannot apply).
    static func loadScenario(_ argument: String) throws -> Scenario {
        guard let source = ScenarioSource.read(argument) else {
            FileHandle.standardError.write(Data("\(argument): error: cannot read the file (nor is it a built-in scenario name)\n".utf8))
            throw ExitCode(2)
        }
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader.load(source.text, file: source.file, format: source.format)
        } catch {
            for problem in error.errors { FileHandle.standardError.write(Data("\(problem)\n".utf8)) }
            throw ExitCode(2)
        }
        return scenario
    }
}
