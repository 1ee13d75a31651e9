import Foundation
import SimAgent
import SimCore
import SimRoom

/// `GET /_sim/state`: rooms, participants and tracks as the room model holds them.
struct AdminSnapshot: Encodable {
    struct TrackEntry: Encodable {
        var sid: String
        var cid: String
        var name: String
        var kind: String
        var source: String
        var muted: Bool
        var state: String
        var mid: String
        var mime: String
    }

    struct ParticipantEntry: Encodable {
        var sid: String
        var identity: String
        var name: String
        var state: String
        var mode: String
        var connected: Bool
        var metadata: String
        var attributes: [String: String]
        var tracks: [TrackEntry]
        var subscribed: [String]
    }

    struct RoomEntry: Encodable {
        var name: String
        var sid: String
        var metadata: String
        var participants: [ParticipantEntry]
    }

    /// Agent workers, dispatches and jobs.
    struct AgentsEntry: Encodable {
        struct Worker: Encodable {
            var id: String
            var agentName: String
            var jobType: String
            var status: String
            var load: Float
            var version: String
            var jobsAssigned: Int
        }

        struct Job: Encodable {
            var id: String
            var dispatch: String
            var room: String
            var agentName: String
            var type: String
            var status: String
            var error: String
            var worker: String?
            var participantIdentity: String
            var joined: Bool
        }

        struct Dispatch: Encodable {
            var id: String
            var agentName: String
            var room: String
            var deleted: Bool
            var jobs: [String]
        }

        var workers: [Worker]
        var dispatches: [Dispatch]
        var jobs: [Job]

        init(_ dispatcher: AgentDispatcher) {
            workers = dispatcher.workers.values.sorted { $0.id < $1.id }.map { w in
                Worker(id: w.id, agentName: w.agentName, jobType: AgentDispatcher.typeName(w.jobType),
                       status: w.status == .wsFull ? "full" : "available", load: w.load, version: w.version, jobsAssigned: w.assigned)
            }
            dispatches = dispatcher.dispatches.values.sorted { $0.id < $1.id }.map { d in
                Dispatch(id: d.id, agentName: d.agentName, room: d.room.rawValue, deleted: d.deletedAt != 0, jobs: d.jobs)
            }
            jobs = dispatcher.jobs.values.sorted { $0.job.id < $1.job.id }.map { r in
                Job(id: r.job.id, dispatch: r.job.dispatchID, room: r.job.room.name, agentName: r.job.agentName,
                    type: AgentDispatcher.typeName(r.job.type), status: AgentMessageDescription.statusName(r.job.state.status),
                    error: r.job.state.error, worker: r.worker, participantIdentity: r.job.state.participantIdentity, joined: r.joined)
            }
        }
    }

    var rooms: [RoomEntry]
    var connections: Int
    var agents: AgentsEntry?
    /// How many entries the signalling engine's per-connection, per-participant, per-track and per-room tables hold.
    var retained: [String: Int] = [:]

    init(rooms model: RoomManagerStateMachine, connections: Int) {
        self.connections = connections
        rooms = model.rooms.keys.sorted().compactMap { name in
            guard let room = model.rooms[name] else { return nil }
            return RoomEntry(name: name.rawValue, sid: room.sid.rawValue, metadata: room.metadata, participants: model.participants(in: name).map { p in
                ParticipantEntry(
                    sid: p.sid.rawValue, identity: p.identity.rawValue, name: p.name, state: p.state.name, mode: p.mode.rawValue,
                    connected: p.connection != nil, metadata: p.metadata, attributes: p.attributes,
                    tracks: p.tracks.map { t in
                        TrackEntry(sid: t.sid.rawValue, cid: t.cid, name: t.name, kind: t.kind.rawValue, source: t.source.rawValue,
                                   muted: t.muted, state: t.state.rawValue, mid: t.mid, mime: t.mimeType)
                    },
                    subscribed: p.subscribed.map(\.rawValue).sorted()
                )
            })
        }
    }
}

/// The JSON written to `--ready-file` once the server is listening.
public struct ReadyInfo: Codable, Sendable, Equatable {
    /// The server process id.
    public var pid: Int32
    /// The bound address.
    public var bind: String
    /// The bound HTTP/WebSocket port.
    public var httpPort: Int
    /// `http://bind:port`.
    public var httpURL: String
    /// `ws://bind:port` (what LiveKit SDKs take as the URL).
    public var livekitURL: String
    /// `http://bind:port/_sim`.
    public var adminURL: String
    /// The first configured API key.
    public var apiKey: String
    /// Its secret.
    public var apiSecret: String
    /// The seed in force.
    public var seed: UInt64

    enum CodingKeys: String, CodingKey {
        case pid, bind, seed
        case httpPort = "http_port", httpURL = "http_url", livekitURL = "livekit_url", adminURL = "admin_url"
        case apiKey = "api_key", apiSecret = "api_secret"
    }

    /// Writes the JSON to `path`: straight into an existing FIFO, otherwise atomically (temp file + rename).
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        var status = stat()
        if stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFIFO {
            guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
            try handle.write(contentsOf: data)
            try handle.close()
        } else {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        }
    }
}
