import ArgumentParser
import Foundation
import SimAuth
import SimCore

/// `sfusim token`: mints a LiveKit access token (HS256).
struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Mint a LiveKit access token.")

    @Option(help: "Participant identity (the token's sub).")
    var identity: String

    @Option(help: "Room to join (video.room).")
    var room: String?

    @Option(help: "Display name.")
    var name: String?

    @Option(help: "Participant metadata.")
    var metadata: String?

    @Option(name: .customLong("attribute"), help: "Attribute key=value (repeatable).")
    var attributes: [String] = []

    @Option(name: .customLong("grant"), help: "Video grant key=value, e.g. canPublish=false, roomAdmin=true, canPublishSources=camera,microphone (repeatable).")
    var grants: [String] = []

    @Option(help: "Lifetime, e.g. 6h, 30m, 90s (default 6h).")
    var ttl: String = "6h"

    @Option(name: .customLong("api-key"), help: "API key (default devkey).")
    var apiKey: String = DevCredentials.apiKey.rawValue

    @Option(name: .customLong("api-secret"), help: "API secret (default secret).")
    var apiSecret: String = DevCredentials.secret

    func run() throws {
        var builder = AccessTokenBuilder(apiKey: APIKey(apiKey), secret: apiSecret, ttl: try Self.duration(ttl))
        builder.identity = Identity(identity)
        builder.name = name
        builder.metadata = metadata
        if !attributes.isEmpty {
            var map: [String: String] = [:]
            for pair in attributes {
                guard let equals = pair.firstIndex(of: "=") else { throw ValidationError("--attribute expects key=value, got \(pair)") }
                map[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            builder.attributes = map
        }
        var grant = VideoGrant(roomJoin: room != nil, room: room.map(RoomName.init))
        for pair in grants { try Self.apply(pair, to: &grant) }
        builder.video = grant
        print(builder.jwt(now: Date()))
    }

    static func duration(_ text: String) throws -> Duration {
        let units: [(String, Int64)] = [("ms", 0), ("h", 3600), ("m", 60), ("s", 1)]
        for (suffix, seconds) in units where text.hasSuffix(suffix) {
            guard let value = Int64(text.dropLast(suffix.count)), value > 0 else { break }
            return suffix == "ms" ? .milliseconds(value) : .seconds(value * seconds)
        }
        throw ValidationError("--ttl expects a positive duration like 6h, 30m or 90s, got \(text)")
    }

    static func apply(_ pair: String, to grant: inout VideoGrant) throws {
        guard let equals = pair.firstIndex(of: "=") else { throw ValidationError("--grant expects key=value, got \(pair)") }
        let key = String(pair[..<equals])
        let value = String(pair[pair.index(after: equals)...])
        func flag() throws -> Bool {
            switch value {
            case "true", "1": return true
            case "false", "0": return false
            default: throw ValidationError("--grant \(key) expects true or false")
            }
        }
        switch key {
        case "roomCreate": grant.roomCreate = try flag()
        case "roomList": grant.roomList = try flag()
        case "roomRecord": grant.roomRecord = try flag()
        case "roomAdmin": grant.roomAdmin = try flag()
        case "roomJoin": grant.roomJoin = try flag()
        case "room": grant.room = RoomName(value)
        case "canPublish": grant.canPublish = try flag()
        case "canSubscribe": grant.canSubscribe = try flag()
        case "canPublishData": grant.canPublishData = try flag()
        case "canPublishSources": grant.canPublishSources = value.split(separator: ",").map(String.init)
        case "canUpdateOwnMetadata": grant.canUpdateOwnMetadata = try flag()
        case "hidden": grant.hidden = try flag()
        case "canSubscribeMetrics": grant.canSubscribeMetrics = try flag()
        default: throw ValidationError("unknown grant \(key)")
        }
    }
}
