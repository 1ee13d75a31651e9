import Foundation
import SimAgent
import SimAuth
import SimCore
import SimDecart
import SimMatrix
import SimRoom
import SimSignal
import Yams

/// Everything `sfusim serve` can be told, from YAML (`--config`), environment (`SFUSIM_*`) and flags, in that
/// order of precedence (flags win). Keys mirror LiveKit's flag names where they exist; defaults are `--dev`'s.
public struct ServerConfiguration: Sendable, Equatable {
    /// Address to listen on (default 127.0.0.1).
    public var bind: String = "127.0.0.1"
    /// HTTP/WebSocket port (default 7880; 0 picks a free one).
    public var port: Int = 7880
    /// Address advertised in ICE candidates (default: the bind address). Used by the media layer.
    public var nodeIP: String?
    /// API key → secret (default `devkey: secret`).
    public var keys: [APIKey: String] = DevCredentials.keys
    /// Log level: trace, debug, info, notice, warning, error, critical (default info).
    public var logLevel: String = "info"
    /// JSONL event log path (default none).
    public var eventLog: String?
    /// How many events `GET /_sim/events` can still return (the in-memory window; the JSONL file has all of them).
    public var eventWindowEvents = EventLog.defaultCapacity
    /// The in-memory window's estimated memory bound in bytes.
    public var eventWindowBytes = EventLog.defaultMemoryLimit
    /// UDP port range for ICE (default: any port the OS gives).
    public var rtcPortRange: ClosedRange<UInt16>?
    /// Seed for every random choice (SIDs, credentials); default: random, reported in the ready file.
    public var seed: UInt64?
    /// Room-model settings.
    public var room = RoomManagerConfiguration()
    /// Signalling settings.
    public var signal = SignalConfiguration()
    /// Decart realtime (`/v1/stream`) settings.
    public var decart = DecartConfiguration()
    /// Whether the embedded Matrix homeserver and the LiveKit JWT service are served (default true).
    public var matrixEnabled = true
    /// Their settings.
    public var matrix = MatrixConfiguration()
    /// A real homeserver (`http://host:port`) to stand in front of as a fault proxy instead of serving our own.
    public var matrixUpstream: String?
    /// How long a request head may take from its first byte (or from the connection opening) before 408 and a close.
    public var headerReadTimeout: Duration = .seconds(10)
    /// Agent dispatch settings (job tokens are signed with `keys`, whatever this holds).
    public var agents = AgentConfiguration(keys: [:])

    /// Dev defaults.
    public init() {}

    /// Errors in a configuration file.
    public struct LoadError: Error, CustomStringConvertible, Equatable {
        /// What is wrong, with the key path.
        public var description: String
    }

    /// Applies a YAML document on top of `self`; unknown keys are errors.
    public mutating func apply(yaml text: String) throws {
        let document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            throw LoadError(description: "invalid YAML: \(error)")
        }
        guard let document else { return }
        guard let root = document as? [String: Any] else { throw LoadError(description: "the configuration must be a mapping") }
        try apply(root)
    }

    mutating func apply(_ root: [String: Any]) throws {
        for (key, value) in root {
            switch key {
            case "bind": bind = try string(value, key)
            case "port": port = try int(value, key)
            case "node_ip": nodeIP = try string(value, key)
            case "log_level": logLevel = try string(value, key)
            case "event_log": eventLog = try string(value, key)
            case "event_window":
                for (sub, value) in try mapping(value, key) {
                    let path = "event_window.\(sub)"
                    switch sub {
                    case "events": eventWindowEvents = try positive(value, path)
                    case "megabytes": eventWindowBytes = try positive(value, path) * 1024 * 1024
                    default: throw LoadError(description: "unknown key \(path)")
                    }
                }
            case "seed": seed = UInt64(try int(value, key))
            case "keys":
                guard let map = value as? [String: Any], !map.isEmpty else { throw LoadError(description: "keys: expected a non-empty mapping of key: secret") }
                keys = [:]
                for (apiKey, secret) in map { keys[APIKey(apiKey)] = try string(secret, "keys.\(apiKey)") }
            case "rtc":
                var start: Int?, end: Int?
                for (sub, value) in try mapping(value, key) {
                    switch sub {
                    case "port_range_start": start = try int(value, "rtc.port_range_start")
                    case "port_range_end": end = try int(value, "rtc.port_range_end")
                    default: throw LoadError(description: "unknown key rtc.\(sub)")
                    }
                }
                guard let start, let end, start > 0, start <= end, end <= 65535 else {
                    throw LoadError(description: "rtc: port_range_start and port_range_end must both be set, 1…65535, start ≤ end")
                }
                rtcPortRange = UInt16(start)...UInt16(end)
            case "room":
                for (sub, value) in try mapping(value, key) {
                    let path = "room.\(sub)"
                    switch sub {
                    case "auto_create": room.autoCreate = try bool(value, path)
                    case "empty_timeout": room.emptyTimeout = UInt32(try int(value, path))
                    case "departure_timeout": room.departureTimeout = UInt32(try int(value, path))
                    case "signal_loss_timeout": room.signalLossTimeout = .seconds(try int(value, path))
                    case "enable_remote_unmute": room.enableRemoteUnmute = try bool(value, path)
                    default: throw LoadError(description: "unknown key \(path)")
                    }
                }
            case "limit":
                for (sub, value) in try mapping(value, key) {
                    let path = "limit.\(sub)"
                    switch sub {
                    case "max_room_name_length": room.limits.maxRoomNameLength = try int(value, path)
                    case "max_participant_identity_length": room.limits.maxIdentityLength = try int(value, path)
                    case "max_participant_name_length": room.limits.maxNameLength = try int(value, path)
                    case "max_metadata_size": room.limits.maxMetadataSize = try int(value, path)
                    case "max_attributes_size": room.limits.maxAttributesSize = try int(value, path)
                    default: throw LoadError(description: "unknown key \(path)")
                    }
                }
            case "signal":
                for (sub, value) in try mapping(value, key) {
                    let path = "signal.\(sub)"
                    switch sub {
                    case "disable_rtc_v1": signal.disableRTCv1 = try bool(value, path)
                    case "ping_interval": signal.pingInterval = Int32(try positive(value, path))
                    case "ping_timeout": signal.pingTimeout = Int32(try positive(value, path))
                    case "server_version": signal.serverVersion = try string(value, path)
                    case "region": signal.region = try string(value, path)
                    default: throw LoadError(description: "unknown key \(path)")
                    }
                }
            case "decart":
                for (sub, value) in try mapping(value, key) {
                    let path = "decart.\(sub)"
                    switch sub {
                    case "api_keys":
                        guard let list = value as? [Any] else { throw LoadError(description: "\(path): expected a list of keys") }
                        decart.apiKeys = Set(try list.enumerated().map { try string($1, "\(path)[\($0)]") })
                    case "models":
                        guard let list = value as? [Any] else { throw LoadError(description: "\(path): expected a list of model names") }
                        decart.models = Set(try list.enumerated().map { try string($1, "\(path)[\($0)]") })
                    case "max_active_sessions": decart.maxActiveSessions = try positive(value, path)
                    case "max_waiting_sessions": decart.maxWaitingSessions = try int(value, path)
                    case "max_session_seconds": decart.maxSessionDuration = .seconds(try positive(value, path))
                    case "room_prefix": decart.roomNamePrefix = try string(value, path)
                    default: throw LoadError(description: "unknown key \(path)")
                    }
                }
            case "http":
                for (sub, value) in try mapping(value, key) {
                    let path = "http.\(sub)"
                    switch sub {
                    case "header_read_timeout_ms": headerReadTimeout = .milliseconds(try positive(value, path))
                    default: throw LoadError(description: "unknown key \(path)")
                    }
                }
            case "agents":
                for (sub, value) in try mapping(value, key) {
                    let path = "agents.\(sub)"
                    switch sub {
                    case "assign_timeout_ms": agents.assignTimeout = .milliseconds(try positive(value, path))
                    case "register_timeout_ms": agents.registerTimeout = .milliseconds(try positive(value, path))
                    case "respect_load": agents.respectLoad = try bool(value, path)
                    default: throw LoadError(description: "unknown key \(path)")
                    }
                }
            case "matrix":
                for (sub, value) in try mapping(value, key) {
                    let path = "matrix.\(sub)"
                    switch sub {
                    case "enabled": matrixEnabled = try bool(value, path)
                    case "upstream":
                        let url = try string(value, path)
                        guard (try? UpstreamHTTP(url: url)) != nil else { throw LoadError(description: "\(path): expected http://host:port") }
                        matrixUpstream = url
                    case "server_name":
                        let name = try string(value, path)
                        guard !name.isEmpty, !name.contains("/"), !name.contains(" ") else { throw LoadError(description: "\(path): not a server name") }
                        matrix.serverName = name
                    case "registration": matrix.registrationEnabled = try bool(value, path)
                    case "users":
                        var users: [String: String] = [:]
                        for (user, password) in try mapping(value, path) { users[user] = try string(password, "\(path).\(user)") }
                        matrix.users = users
                    case "rtc_hash":
                        guard let form = RTCHashForm(rawValue: try string(value, path)) else { throw LoadError(description: "\(path): json or pipe") }
                        matrix.rtcHashForm = form
                    default: throw LoadError(description: "unknown key \(path)")
                    }
                }
            default: throw LoadError(description: "unknown key \(key)")
            }
        }
    }

    /// Applies `SFUSIM_BIND`, `SFUSIM_PORT`, `SFUSIM_LOG_LEVEL`, `SFUSIM_EVENT_LOG`, `SFUSIM_API_KEY` + `SFUSIM_API_SECRET`.
    public mutating func apply(environment: [String: String]) throws {
        if let value = environment["SFUSIM_BIND"] { bind = value }
        if let value = environment["SFUSIM_PORT"] {
            guard let number = Int(value) else { throw LoadError(description: "SFUSIM_PORT: not a number") }
            port = number
        }
        if let value = environment["SFUSIM_LOG_LEVEL"] { logLevel = value }
        if let value = environment["SFUSIM_EVENT_LOG"] { eventLog = value }
        if let key = environment["SFUSIM_API_KEY"], let secret = environment["SFUSIM_API_SECRET"] { keys = [APIKey(key): secret] }
    }

    private func mapping(_ value: Any, _ key: String) throws -> [String: Any] {
        guard let map = value as? [String: Any] else { throw LoadError(description: "\(key): expected a mapping") }
        return map
    }

    private func string(_ value: Any, _ key: String) throws -> String {
        if let text = value as? String { return text }
        if let number = value as? Int { return String(number) }
        throw LoadError(description: "\(key): expected a string")
    }

    private func int(_ value: Any, _ key: String) throws -> Int {
        guard let number = value as? Int, number >= 0 else { throw LoadError(description: "\(key): expected a non-negative integer") }
        return number
    }

    private func positive(_ value: Any, _ key: String) throws -> Int {
        let number = try int(value, key)
        guard number > 0 else { throw LoadError(description: "\(key): must be > 0") }
        return number
    }

    private func bool(_ value: Any, _ key: String) throws -> Bool {
        guard let flag = value as? Bool else { throw LoadError(description: "\(key): expected true or false") }
        return flag
    }
}
