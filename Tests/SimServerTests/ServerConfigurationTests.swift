import Foundation
import SimCore
import SimMatrix
@testable import SimServer
import Testing

@Suite struct ServerConfigurationTests {
    @Test func defaultsAreLiveKitDevDefaults() {
        let configuration = ServerConfiguration()
        #expect(configuration.bind == "127.0.0.1" && configuration.port == 7880)
        #expect(configuration.keys == ["devkey": "secret"])
        #expect(configuration.room.autoCreate && configuration.room.emptyTimeout == 300 && configuration.room.departureTimeout == 20)
        #expect(configuration.signal.pingInterval == 5 && configuration.signal.pingTimeout == 15)
    }

    @Test func yamlAppliesEveryDocumentedKey() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(yaml: """
        bind: 0.0.0.0
        port: 0
        keys: {k1: s1, k2: s2}
        log_level: debug
        event_log: /tmp/events.jsonl
        seed: 9
        room: {auto_create: false, empty_timeout: 10, departure_timeout: 2, signal_loss_timeout: 3, enable_remote_unmute: true}
        signal: {disable_rtc_v1: true, ping_interval: 1, ping_timeout: 3, server_version: 1.9.0, region: here}
        """)
        #expect(configuration.bind == "0.0.0.0" && configuration.port == 0 && configuration.keys == ["k1": "s1", "k2": "s2"])
        #expect(configuration.logLevel == "debug" && configuration.eventLog == "/tmp/events.jsonl" && configuration.seed == 9)
        #expect(!configuration.room.autoCreate && configuration.room.emptyTimeout == 10 && configuration.room.signalLossTimeout == .seconds(3))
        #expect(configuration.signal.disableRTCv1 && configuration.signal.pingInterval == 1 && configuration.signal.serverVersion == "1.9.0")
    }

    @Test func matrixKeys() throws {
        var configuration = ServerConfiguration()
        #expect(configuration.matrixEnabled && configuration.matrix.serverName == "sfusim.local" && configuration.matrix.rtcHashForm == .jsonArray)
        try configuration.apply(yaml: """
        matrix: {server_name: example.org, users: {alice: pw1, bob: pw2}, registration: false, rtc_hash: pipe, upstream: "http://127.0.0.1:8008"}
        """)
        #expect(configuration.matrix.serverName == "example.org" && configuration.matrix.users == ["alice": "pw1", "bob": "pw2"])
        #expect(!configuration.matrix.registrationEnabled && configuration.matrix.rtcHashForm == .pipe)
        #expect(configuration.matrixUpstream == "http://127.0.0.1:8008")
        try configuration.apply(yaml: "matrix: {enabled: false}")
        #expect(!configuration.matrixEnabled)
        #expect(throws: ServerConfiguration.LoadError(description: "matrix.rtc_hash: json or pipe")) { try configuration.apply(yaml: "matrix: {rtc_hash: md5}") }
        #expect(throws: ServerConfiguration.LoadError(description: "matrix.upstream: expected http://host:port")) {
            try configuration.apply(yaml: "matrix: {upstream: \"https://matrix.org\"}")
        }
        #expect(throws: ServerConfiguration.LoadError(description: "unknown key matrix.bogus")) { try configuration.apply(yaml: "matrix: {bogus: 1}") }
    }

    @Test func mistakesAreReportedWithTheKey() {
        var configuration = ServerConfiguration()
        #expect(throws: ServerConfiguration.LoadError(description: "unknown key prot")) { try configuration.apply(yaml: "prot: 1") }
        #expect(throws: ServerConfiguration.LoadError(description: "unknown key room.bogus")) { try configuration.apply(yaml: "room: {bogus: 1}") }
        #expect(throws: ServerConfiguration.LoadError(description: "signal.ping_interval: must be > 0")) { try configuration.apply(yaml: "signal: {ping_interval: 0}") }
        #expect(throws: ServerConfiguration.LoadError(description: "port: expected a non-negative integer")) { try configuration.apply(yaml: "port: abc") }
    }

    @Test func environmentOverrides() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(environment: ["SFUSIM_PORT": "9000", "SFUSIM_API_KEY": "k", "SFUSIM_API_SECRET": "s"])
        #expect(configuration.port == 9000 && configuration.keys == ["k": "s"])
    }

    @Test func readyFileIsWrittenAtomicallyAndIntoAFIFO() throws {
        let info = ReadyInfo(pid: 1, bind: "127.0.0.1", httpPort: 1234, httpURL: "http://127.0.0.1:1234", livekitURL: "ws://127.0.0.1:1234",
                             adminURL: "http://127.0.0.1:1234/_sim", apiKey: "devkey", apiSecret: "secret", seed: 5)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sfusim-ready-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = directory.appendingPathComponent("ready.json").path
        try info.write(to: plain)
        let decoded = try JSONDecoder().decode(ReadyInfo.self, from: Data(contentsOf: URL(fileURLWithPath: plain)))
        #expect(decoded == info)

        let fifo = directory.appendingPathComponent("ready.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        defer { close(reader) }
        try info.write(to: fifo)
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(reader, &buffer, buffer.count)
        #expect(count > 0)
        #expect(try JSONDecoder().decode(ReadyInfo.self, from: Data(buffer.prefix(max(0, count)))) == info)
    }
}
