import Foundation
import SimAuth
import SimCore
import SimProto
import SimRoom

/// LiveKit's agent dispatch (reference §7): workers registered on `/agent`, the dispatches rooms ask for, and the
/// jobs offered to workers, assigned with a token, and ended.
///
/// Pure and deterministic: worker messages, room events and Twirp calls go in with the wall time; ordered actions
/// come out (messages for the `agent.out` tap, closes, timers, event records). IDs come from a seeded generator.
/// The shell (`AgentHub`) owns the sockets, the lock and the timers.
public struct AgentDispatcher: Sendable {
    /// A registered worker.
    public struct Worker: Sendable, Equatable {
        /// `AW_…`.
        public var id: String
        /// Its socket.
        public var connection: ConnectionID
        /// The API key it authenticated with (job tokens are signed with it).
        public var apiKey: APIKey
        /// The name jobs are dispatched by (`""`: automatic dispatch).
        public var agentName: String
        /// Deprecated namespace (part of the key, as in LiveKit).
        public var namespace: String
        /// The job type it takes.
        public var jobType: Livekit_JobType
        /// What its agents may do (defaults applied).
        public var permissions: Livekit_ParticipantPermission
        /// The framework version it reported.
        public var version: String
        /// Last reported status.
        public var status: Livekit_WorkerStatus = .wsAvailable
        /// Last reported load (0…1).
        public var load: Float = 0
        /// Jobs assigned to it so far (the tie-breaker when choosing a worker).
        public var assigned = 0
        /// Registration order.
        var order: Int

        /// Whether jobs with this key are its (LiveKit's worker key: agent name, namespace, job type).
        func serves(agentName: String, namespace: String, type: Livekit_JobType) -> Bool {
            self.agentName == agentName && self.namespace == namespace && jobType == type
        }
    }

    /// A dispatch: one agent asked for in one room.
    public struct Dispatch: Sendable, Equatable {
        /// `AD_…`.
        public var id: String
        /// The agent name.
        public var agentName: String
        /// The room.
        public var room: RoomName
        /// Given to its jobs.
        public var metadata: String
        /// Given to its jobs.
        public var attributes: [String: String]
        /// When it was created (Unix ns).
        public var createdAt: Int64
        /// When it was deleted (Unix ns; 0 while live).
        public var deletedAt: Int64 = 0
        /// Its jobs, oldest first.
        public var jobs: [String] = []
        /// Creation order.
        var order = 0
    }

    /// A job and where its offer stands.
    public struct JobRecord: Sendable, Equatable {
        /// The job as workers see it (its `state` is kept current).
        public var job: Livekit_Job
        /// The worker that holds the offer or the job.
        public var worker: String?
        /// Workers that declined (or vanished while deciding).
        var tried: Set<String> = []
        /// Bumped for each availability request, so a stale answer or timer is ignored.
        var attempt = 0
        /// Whether an availability request is waiting for its answer.
        var offered = false
        /// Whether the agent participant has joined the room.
        public var joined = false
        /// The only worker it may go to (`simulate_job`).
        var pinned: String?

        /// Whether the job has ended.
        public var ended: Bool { job.state.endedAt != 0 }
    }

    private enum Socket: Sendable, Equatable {
        case unregistered(APIKey)
        case registered(String)
    }

    /// Settings.
    public let configuration: AgentConfiguration
    /// Registered workers by ID.
    public internal(set) var workers: [String: Worker] = [:]
    /// Every job by ID (ended ones are kept for `/_sim/state` and ListDispatch).
    public internal(set) var jobs: [String: JobRecord] = [:]
    /// Dispatches by ID.
    public internal(set) var dispatches: [String: Dispatch] = [:]
    /// Live rooms as the dispatcher last heard of them (for jobs and ListDispatch).
    public internal(set) var rooms: [RoomName: Livekit_Room] = [:]
    private var sockets: [ConnectionID: Socket] = [:]
    var ids: SIDGenerator
    private var registrations = 0
    var dispatchCount = 0

    /// A dispatcher minting IDs from `seed`.
    public init(configuration: AgentConfiguration, seed: UInt64) {
        self.configuration = configuration
        ids = SIDGenerator(seed: seed)
    }

    /// The worker on `connection`, once registered.
    public func worker(on connection: ConnectionID) -> Worker? {
        guard case .registered(let id) = sockets[connection] else { return nil }
        return workers[id]
    }

    /// The room a worker message is about (for the taps' room scope), if it names a known job.
    public func room(ofJob id: String) -> RoomName? {
        jobs[id].map { RoomName($0.job.room.name) }
    }

    // MARK: Sockets

    /// A worker's socket opened (authenticated with `apiKey`): it must register within the timeout.
    public mutating func connectionOpened(_ connection: ConnectionID, apiKey: APIKey) -> [AgentAction] {
        sockets[connection] = .unregistered(apiKey)
        return [.armTimer(.register(connection), after: configuration.registerTimeout)]
    }

    /// A frame that is not a `WorkerMessage` (or is too large): the socket is closed, as LiveKit ends the handler.
    public mutating func frameRejected(_ connection: ConnectionID, code: UInt16, reason: String) -> [AgentAction] {
        guard sockets[connection] != nil else { return [] }
        return [.log(EventRecord(kind: "agent.in.invalid", connection: connection, tap: .agentIn, direction: .inbound,
                                 detail: ["reason": .string(reason)])),
                .close(connection, code: code, reason: reason)]
    }

    /// A worker's socket closed: the worker is gone. Offers waiting for its answer go to another worker; jobs it
    /// runs stay (their agents are in their rooms on their own connections) until a reconnecting worker claims them
    /// with `migrate_job`, or their agent leaves.
    public mutating func connectionClosed(_ connection: ConnectionID, wall: Date) -> [AgentAction] {
        guard let socket = sockets.removeValue(forKey: connection) else { return [] }
        var out: [AgentAction] = [.cancelTimer(.register(connection))]
        guard case .registered(let id) = socket, let worker = workers.removeValue(forKey: id) else { return out }
        let held = jobs.values.filter { $0.worker == id && !$0.ended }.map(\.job.id).sorted()
        out.append(.log(EventRecord(kind: "agent.worker_lost", connection: connection, detail: [
            "worker": .string(id), "agent_name": .string(worker.agentName), "jobs": .strings(held),
        ])))
        for jobID in held {
            guard var record = jobs[jobID] else { continue }
            if record.offered {
                record.offered = false
                record.tried.insert(id)
                record.worker = nil
                jobs[jobID] = record
                out.append(.cancelTimer(.offer(job: jobID, attempt: record.attempt)))
                offer(jobID, wall: wall, into: &out)
            }
        }
        return out
    }

    /// A decoded message from a worker (after the `agent.in` tap).
    public mutating func messageReceived(_ connection: ConnectionID, _ message: Livekit_WorkerMessage, wall: Date) -> [AgentAction] {
        guard let socket = sockets[connection] else { return [] }
        var out: [AgentAction] = []
        switch (socket, message.message) {
        case (_, .ping(let ping)):
            var pong = Livekit_WorkerPong()
            pong.lastTimestamp = ping.timestamp
            pong.timestamp = Int64(wall.timeIntervalSince1970 * 1000)
            var reply = Livekit_ServerMessage()
            reply.pong = pong
            out.append(.send(connection, reply, room: nil))
        case (.unregistered(let apiKey), .register(let request)):
            register(connection, apiKey: apiKey, request, wall: wall, into: &out)
        case (.unregistered, _):
            out.append(.close(connection, code: 1008, reason: "expected register as the first message"))
        case (.registered, .register):
            out.append(.close(connection, code: 1008, reason: "worker already registered"))
        case (.registered(let id), .availability(let answer)):
            availabilityAnswered(by: id, answer, wall: wall, into: &out)
        case (.registered(let id), .updateWorker(let update)):
            guard var worker = workers[id] else { break }
            let before = worker.status
            if update.hasStatus { worker.status = update.status }
            worker.load = update.load
            workers[id] = worker
            if worker.status != before {
                out.append(.log(EventRecord(kind: "agent.worker_status", connection: connection, detail: [
                    "worker": .string(id), "status": .string(worker.status == .wsFull ? "full" : "available"),
                    "load": .string("\(update.load)"),
                ])))
            }
        case (.registered(let id), .updateJob(let update)):
            jobStatusUpdated(by: id, update, wall: wall, into: &out)
        case (.registered(let id), .migrateJob(let request)):
            migrate(request.jobIds, to: id, wall: wall, into: &out)
        case (.registered(let id), .simulateJob(let simulate)):
            simulateJob(simulate, on: id, wall: wall, into: &out)
        case (.registered, nil):
            break
        }
        return out
    }

    /// A timer the shell armed has fired.
    public mutating func timerFired(_ timer: AgentTimer, wall: Date) -> [AgentAction] {
        var out: [AgentAction] = []
        switch timer {
        case .register(let connection):
            guard case .unregistered = sockets[connection] else { return [] }
            out.append(.close(connection, code: 1008, reason: "worker did not register within \(configuration.registerTimeout)"))
        case .offer(let jobID, let attempt):
            guard var record = jobs[jobID], record.offered, record.attempt == attempt else { return [] }
            record.offered = false
            jobs[jobID] = record
            // LiveKit does not retry a job whose offer timed out.
            end(jobID, status: .jsFailed, error: "worker did not answer the availability request within \(configuration.assignTimeout)", reason: .jsrUnspecified,
                terminate: false, wall: wall, into: &out)
        }
        return out
    }

    // MARK: Registration

    private mutating func register(_ connection: ConnectionID, apiKey: APIKey, _ request: Livekit_RegisterWorkerRequest, wall: Date,
                                   into out: inout [AgentAction]) {
        if case .UNRECOGNIZED(let value) = request.type {
            out.append(.close(connection, code: 1008, reason: "unknown job type \(value)"))
            return
        }
        let id = ids.make(prefix: "AW_")
        var permissions = request.allowedPermissions
        if !request.hasAllowedPermissions {
            permissions.canSubscribe = true
            permissions.canPublish = true
            permissions.canPublishData = true
            permissions.canUpdateMetadata = true
        }
        registrations += 1
        workers[id] = Worker(id: id, connection: connection, apiKey: apiKey, agentName: request.agentName, namespace: request.namespace,
                             jobType: request.type, permissions: permissions, version: request.version, order: registrations)
        sockets[connection] = .registered(id)
        var info = Livekit_ServerInfo()
        info.edition = .standard
        info.version = configuration.serverVersion
        info.protocol = 17
        info.nodeID = configuration.nodeID
        info.agentProtocol = 1
        var response = Livekit_RegisterWorkerResponse()
        response.workerID = id
        response.serverInfo = info
        var message = Livekit_ServerMessage()
        message.register = response
        out.append(.cancelTimer(.register(connection)))
        out.append(.send(connection, message, room: nil))
        out.append(.log(EventRecord(kind: "agent.worker_registered", connection: connection, detail: [
            "worker": .string(id), "agent_name": .string(request.agentName), "type": .string(Self.typeName(request.type)),
            "version": .string(request.version),
        ])))
    }

    /// `room`, `publisher` or `participant`.
    public static func typeName(_ type: Livekit_JobType) -> String {
        switch type {
        case .jtRoom: "room"
        case .jtPublisher: "publisher"
        case .jtParticipant: "participant"
        case .UNRECOGNIZED(let value): "type_\(value)"
        }
    }
}
