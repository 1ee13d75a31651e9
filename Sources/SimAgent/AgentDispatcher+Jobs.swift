import Foundation
import SimAuth
import SimCore
import SimProto
import SimRoom

/// Why a dispatch operation was refused (Twirp `not_found`).
public enum AgentDispatchError: Error, Equatable, Sendable {
    /// No live room of that name.
    case roomNotFound
    /// No dispatch with that ID in that room.
    case dispatchNotFound

    /// The Twirp message.
    public var message: String {
        switch self {
        case .roomNotFound: "requested room does not exist"
        case .dispatchNotFound: "dispatch not found"
        }
    }
}

extension AgentDispatcher {
    // MARK: Rooms

    /// A room was created: one dispatch per agent it asks for (none: the unnamed agent, LiveKit's automatic
    /// dispatch), each launching a room job at once. Only workers registered now are asked; a name without workers
    /// gets no job (logged for named agents, silent for the automatic one, as LiveKit skips it).
    public mutating func roomCreated(_ room: Livekit_Room, agents: [RoomAgentRequest], wall: Date) -> [AgentAction] {
        let name = RoomName(room.name)
        rooms[name] = room
        var out: [AgentAction] = []
        let automatic = agents.isEmpty
        for request in automatic ? [RoomAgentRequest(agentName: "")] : agents {
            if automatic, !hasWorkers(named: request.agentName, type: .jtRoom) { continue }
            let id = addDispatch(agentName: request.agentName, room: name, metadata: request.metadata, attributes: request.attributes,
                                 wall: wall, source: automatic ? "automatic" : "room", into: &out)
            launch(dispatch: id, type: .jtRoom, participant: nil, wall: wall, into: &out)
        }
        return out
    }

    /// The room's description changed (kept for the jobs created from now on).
    public mutating func roomUpdated(_ room: Livekit_Room) {
        if rooms[RoomName(room.name)] != nil { rooms[RoomName(room.name)] = room }
    }

    /// A room closed: every job still live there is terminated, then the room's dispatches and jobs are forgotten
    /// (the event log keeps their story; a long run with many rooms keeps no state for closed ones).
    public mutating func roomClosed(_ name: RoomName, wall: Date) -> [AgentAction] {
        rooms[name] = nil
        var out: [AgentAction] = []
        for id in jobs.keys.sorted() where jobs[id]?.job.room.name == name.rawValue && jobs[id]?.ended == false {
            end(id, status: .jsFailed, error: "room closed", reason: .jsrRoomClosed, terminate: true, wall: wall, into: &out)
        }
        // A job migrated or offered elsewhere is ended by now; its record goes with its dispatch.
        jobs = jobs.filter { $0.value.job.room.name != name.rawValue }
        dispatches = dispatches.filter { $0.value.room != name }
        return out
    }

    /// A participant became active. An agent's job is marked joined; any other participant gets a participant job
    /// from each of the room's dispatches whose agent has participant workers.
    public mutating func participantActive(_ participant: Livekit_ParticipantInfo, room: RoomName, wall: Date) -> [AgentAction] {
        var out: [AgentAction] = []
        if participant.kind == .agent {
            guard let id = liveJob(room: room, identity: participant.identity) else { return [] }
            jobs[id]?.joined = true
            out.append(.log(EventRecord(kind: "agent.job_joined", connection: jobs[id]?.worker.flatMap { workers[$0]?.connection },
                                        room: room, identity: Identity(participant.identity), detail: Self.detail(of: jobs[id]))))
            return out
        }
        for dispatch in liveDispatches(in: room) where hasWorkers(named: dispatch.agentName, type: .jtParticipant) {
            launch(dispatch: dispatch.id, type: .jtParticipant, participant: participant, wall: wall, into: &out)
        }
        return out
    }

    /// A participant published its first track: a publisher job from each dispatch with publisher workers.
    public mutating func publisherStarted(_ participant: Livekit_ParticipantInfo, room: RoomName, wall: Date) -> [AgentAction] {
        guard participant.kind != .agent else { return [] }
        var out: [AgentAction] = []
        for dispatch in liveDispatches(in: room) where hasWorkers(named: dispatch.agentName, type: .jtPublisher) {
            launch(dispatch: dispatch.id, type: .jtPublisher, participant: participant, wall: wall, into: &out)
        }
        return out
    }

    /// A participant left. When it is a job's agent, the job ends ("agent worker left the room") and its worker is
    /// told to terminate it, as LiveKit does.
    public mutating func participantLeft(identity: Identity, kind: Int, room: RoomName, wall: Date) -> [AgentAction] {
        guard kind == Livekit_ParticipantInfo.Kind.agent.rawValue, let id = liveJob(room: room, identity: identity.rawValue) else { return [] }
        var out: [AgentAction] = []
        end(id, status: .jsFailed, error: "agent worker left the room", reason: .jsrUnspecified, terminate: true, wall: wall, into: &out)
        return out
    }

    // MARK: AgentDispatchService

    /// CreateDispatch: a dispatch in a live room; a room job at once, and participant or publisher jobs for those
    /// already there.
    public mutating func createDispatch(_ request: Livekit_CreateAgentDispatchRequest, room info: Livekit_Room,
                                        participants: [Livekit_ParticipantInfo], wall: Date) -> (Livekit_AgentDispatch, [AgentAction]) {
        let room = RoomName(request.room)
        if rooms[room] == nil { rooms[room] = info }
        var out: [AgentAction] = []
        let id = addDispatch(agentName: request.agentName, room: room, metadata: request.metadata, attributes: request.attributes,
                             wall: wall, source: "api", into: &out)
        launch(dispatch: id, type: .jtRoom, participant: nil, wall: wall, into: &out)
        for participant in participants where participant.kind != .agent {
            if hasWorkers(named: request.agentName, type: .jtParticipant) {
                launch(dispatch: id, type: .jtParticipant, participant: participant, wall: wall, into: &out)
            }
            if !participant.tracks.isEmpty, hasWorkers(named: request.agentName, type: .jtPublisher) {
                launch(dispatch: id, type: .jtPublisher, participant: participant, wall: wall, into: &out)
            }
        }
        return (proto(of: id), out)
    }

    /// DeleteDispatch: the dispatch ends and each of its live jobs is terminated (status SUCCESS, as LiveKit's
    /// TERMINATION_REQUESTED).
    public mutating func deleteDispatch(id: String, room: RoomName, wall: Date) -> Result<(Livekit_AgentDispatch, [AgentAction]), AgentDispatchError> {
        guard let dispatch = dispatches[id], dispatch.room == room, dispatch.deletedAt == 0 else { return .failure(.dispatchNotFound) }
        var out: [AgentAction] = []
        dispatches[id]?.deletedAt = Self.nanoseconds(wall)
        out.append(.log(EventRecord(kind: "agent.dispatch_deleted", room: room, detail: ["dispatch": .string(id), "agent_name": .string(dispatch.agentName)])))
        for job in dispatch.jobs where jobs[job]?.ended == false {
            end(job, status: .jsSuccess, error: "", reason: .jsrDispatchDeleted, terminate: true, wall: wall, into: &out)
        }
        return .success((proto(of: id), out))
    }

    /// ListDispatch: the room's live dispatches (one when `id` is given).
    public func listDispatches(room: RoomName, id: String?) -> [Livekit_AgentDispatch] {
        liveDispatches(in: room).filter { id == nil || id == "" || $0.id == id }.map { proto(of: $0.id) }
    }

    /// The protobuf of a dispatch, with its jobs.
    public func proto(of id: String) -> Livekit_AgentDispatch {
        var out = Livekit_AgentDispatch()
        guard let dispatch = dispatches[id] else { return out }
        out.id = dispatch.id
        out.agentName = dispatch.agentName
        out.room = dispatch.room.rawValue
        out.metadata = dispatch.metadata
        out.attributes = dispatch.attributes
        var state = Livekit_AgentDispatchState()
        state.jobs = dispatch.jobs.compactMap { jobs[$0]?.job }
        state.createdAt = dispatch.createdAt
        state.deletedAt = dispatch.deletedAt
        out.state = state
        return out
    }

    // MARK: Offers and answers

    /// Offers a job to the next worker: one with the job's key that has not declined it, the one with the fewest
    /// jobs first (registration order breaks ties). LiveKit picks at random weighted by `1 − load`; a fixed order
    /// makes a run replay, and load is ignored unless `respectLoad`. No worker left: the job ends, logged.
    mutating func offer(_ jobID: String, wall: Date, into out: inout [AgentAction]) {
        guard var record = jobs[jobID], !record.ended else { return }
        let candidates = workers.values.filter { worker in
            guard !record.tried.contains(worker.id) else { return false }
            if let pinned = record.pinned { return worker.id == pinned }
            return worker.serves(agentName: record.job.agentName, namespace: record.job.namespace, type: record.job.type)
                && (!configuration.respectLoad || (worker.status == .wsAvailable && worker.load < 1))
        }
        guard let worker = candidates.min(by: { ($0.assigned, $0.order) < ($1.assigned, $1.order) }) else {
            jobs[jobID] = record
            let why = record.tried.isEmpty ? "no worker registered for agent \"\(record.job.agentName)\""
                : "no worker accepted the job (\(record.tried.count) declined or left)"
            end(jobID, status: .jsFailed, error: why, reason: .jsrNoCapacity, terminate: false, wall: wall, into: &out)
            return
        }
        record.worker = worker.id
        record.offered = true
        record.attempt += 1
        record.job.state.workerID = worker.id
        record.job.state.updatedAt = Self.nanoseconds(wall)
        jobs[jobID] = record
        var offered = record.job
        offered.state.status = .jsRunning
        offered.state.startedAt = Self.nanoseconds(wall)
        var request = Livekit_AvailabilityRequest()
        request.job = offered
        var message = Livekit_ServerMessage()
        message.availability = request
        out.append(.log(EventRecord(kind: "agent.job_offered", connection: worker.connection, room: RoomName(record.job.room.name),
                                    detail: Self.detail(of: record))))
        out.append(.send(worker.connection, message, room: RoomName(record.job.room.name)))
        out.append(.armTimer(.offer(job: jobID, attempt: record.attempt), after: configuration.assignTimeout))
    }

    private mutating func availabilityAnsweredAccepted(_ jobID: String, worker: Worker, _ answer: Livekit_AvailabilityResponse, wall: Date,
                                                       into out: inout [AgentAction]) {
        guard var record = jobs[jobID], let secret = configuration.keys[worker.apiKey] else {
            end(jobID, status: .jsFailed, error: "no secret for the worker's API key", reason: .jsrUnspecified, terminate: true, wall: wall, into: &out)
            return
        }
        // LiveKit's token builder fails on an empty identity; livekit-agents always sends one. We use the framework's
        // own default instead of dropping the job.
        let identity = answer.participantIdentity.isEmpty ? "agent-\(jobID)" : answer.participantIdentity
        var attributes = answer.participantAttributes
        attributes["lk.agent_name"] = worker.agentName
        let now = Int64(wall.timeIntervalSince1970)
        let permissions = worker.permissions
        let claims = AccessTokenClaims(
            iss: worker.apiKey, sub: identity, nbf: now, exp: now + configuration.tokenTTL.components.seconds,
            name: answer.participantName, metadata: answer.participantMetadata, attributes: attributes, kind: "agent",
            video: VideoGrant(roomJoin: true, room: RoomName(record.job.room.name), canPublish: permissions.canPublish,
                              canSubscribe: permissions.canSubscribe, canPublishData: permissions.canPublishData,
                              canUpdateOwnMetadata: permissions.canUpdateMetadata, hidden: permissions.hidden, agent: true,
                              canSubscribeMetrics: permissions.canSubscribeMetrics)
        )
        let token = TokenMinter.mint(claims: claims, apiKey: worker.apiKey, secret: secret)
        record.job.state.status = .jsRunning
        record.job.state.participantIdentity = identity
        record.job.state.workerID = worker.id
        record.job.state.startedAt = Self.nanoseconds(wall)
        record.job.state.updatedAt = Self.nanoseconds(wall)
        jobs[jobID] = record
        workers[worker.id]?.assigned += 1
        var assignment = Livekit_JobAssignment()
        assignment.job = record.job
        assignment.token = token
        var message = Livekit_ServerMessage()
        message.assignment = assignment
        let room = RoomName(record.job.room.name)
        out.append(.log(EventRecord(kind: "agent.job_accepted", connection: worker.connection, room: room, identity: Identity(identity),
                                    detail: Self.detail(of: record))))
        out.append(.send(worker.connection, message, room: room))
        out.append(.log(EventRecord(kind: "agent.job_assigned", connection: worker.connection, room: room, identity: Identity(identity),
                                    detail: Self.detail(of: record))))
    }

    mutating func availabilityAnswered(by workerID: String, _ answer: Livekit_AvailabilityResponse, wall: Date, into out: inout [AgentAction]) {
        guard var record = jobs[answer.jobID], record.offered, record.worker == workerID, let worker = workers[workerID] else {
            out.append(.log(EventRecord(kind: "agent.in.invalid", connection: workers[workerID]?.connection, tap: .agentIn, direction: .inbound,
                                        detail: ["reason": "availability for a job not offered to this worker", "job": .string(answer.jobID)])))
            return
        }
        out.append(.cancelTimer(.offer(job: answer.jobID, attempt: record.attempt)))
        record.offered = false
        jobs[answer.jobID] = record
        if answer.terminate {
            end(answer.jobID, status: .jsSuccess, error: "", reason: .jsrUnspecified, terminate: false, wall: wall, into: &out)
        } else if !answer.available {
            record.tried.insert(workerID)
            record.worker = nil
            jobs[answer.jobID] = record
            out.append(.log(EventRecord(kind: "agent.job_declined", connection: worker.connection, room: RoomName(record.job.room.name),
                                        detail: Self.detail(of: record).merging(["worker": .string(workerID)]) { $1 })))
            offer(answer.jobID, wall: wall, into: &out)
        } else {
            availabilityAnsweredAccepted(answer.jobID, worker: worker, answer, wall: wall, into: &out)
        }
    }

    mutating func jobStatusUpdated(by workerID: String, _ update: Livekit_UpdateJobStatus, wall: Date, into out: inout [AgentAction]) {
        guard let record = jobs[update.jobID], !record.ended, record.worker == workerID else { return }
        switch update.status {
        case .jsSuccess, .jsFailed, .jsCancelled:
            end(update.jobID, status: update.status, error: update.error, reason: .jsrUnspecified, terminate: false, wall: wall, into: &out)
        default:
            guard record.job.state.status != update.status else { return }
            jobs[update.jobID]?.job.state.status = update.status
            jobs[update.jobID]?.job.state.updatedAt = Self.nanoseconds(wall)
            out.append(.log(EventRecord(kind: "agent.job_status", connection: workers[workerID]?.connection, room: RoomName(record.job.room.name),
                                        detail: Self.detail(of: jobs[update.jobID]))))
        }
    }

    /// `migrate_job` from a reconnected worker: jobs whose worker is gone are re-associated with it, so their
    /// termination reaches it. (LiveKit's open-source server ignores the message.)
    mutating func migrate(_ ids: [String], to workerID: String, wall: Date, into out: inout [AgentAction]) {
        for id in ids {
            guard let record = jobs[id], !record.ended, record.worker.map({ workers[$0] == nil }) ?? true else { continue }
            jobs[id]?.worker = workerID
            jobs[id]?.job.state.workerID = workerID
            jobs[id]?.job.state.updatedAt = Self.nanoseconds(wall)
            out.append(.log(EventRecord(kind: "agent.job_migrated", connection: workers[workerID]?.connection, room: RoomName(record.job.room.name),
                                        detail: Self.detail(of: jobs[id]))))
        }
    }

    /// `simulate_job`: a room job (a publisher job when a participant is given) offered to this worker only.
    mutating func simulateJob(_ request: Livekit_SimulateJobRequest, on workerID: String, wall: Date, into out: inout [AgentAction]) {
        guard let worker = workers[workerID] else { return }
        let id = ids.make(prefix: "AJ_")
        var job = Livekit_Job()
        job.id = id
        job.type = request.hasParticipant ? .jtPublisher : .jtRoom
        job.room = rooms[RoomName(request.room.name)] ?? request.room
        if request.hasParticipant { job.participant = request.participant }
        job.agentName = worker.agentName
        job.state.status = .jsPending
        var record = JobRecord(job: job)
        record.pinned = workerID
        jobs[id] = record
        offer(id, wall: wall, into: &out)
    }

    // MARK: Helpers

    mutating func addDispatch(agentName: String, room: RoomName, metadata: String, attributes: [String: String], wall: Date,
                              source: String, into out: inout [AgentAction]) -> String {
        let id = ids.make(prefix: "AD_")
        dispatchCount += 1
        dispatches[id] = Dispatch(id: id, agentName: agentName, room: room, metadata: metadata, attributes: attributes,
                                  createdAt: Self.nanoseconds(wall), order: dispatchCount)
        out.append(.log(EventRecord(kind: "agent.dispatch_created", room: room, detail: [
            "dispatch": .string(id), "agent_name": .string(agentName), "source": .string(source),
        ])))
        return id
    }

    /// Creates a job of `type` for a dispatch and offers it (or logs why it cannot be).
    mutating func launch(dispatch id: String, type: Livekit_JobType, participant: Livekit_ParticipantInfo?, wall: Date,
                         into out: inout [AgentAction]) {
        guard let dispatch = dispatches[id] else { return }
        guard hasWorkers(named: dispatch.agentName, type: type) else {
            out.append(.log(EventRecord(kind: "agent.job_not_dispatched", room: dispatch.room, detail: [
                "dispatch": .string(id), "agent_name": .string(dispatch.agentName), "type": .string(Self.typeName(type)),
                "why": .string("no worker registered for agent \"\(dispatch.agentName)\" (\(Self.typeName(type)) jobs)"),
            ])))
            return
        }
        let jobID = ids.make(prefix: "AJ_")
        var job = Livekit_Job()
        job.id = jobID
        job.dispatchID = id
        job.type = type
        job.room = rooms[dispatch.room] ?? Livekit_Room()
        if let participant { job.participant = participant }
        job.metadata = dispatch.metadata
        job.agentName = dispatch.agentName
        job.attributes = dispatch.attributes
        job.state.status = .jsPending
        job.state.updatedAt = Self.nanoseconds(wall)
        jobs[jobID] = JobRecord(job: job)
        dispatches[id]?.jobs.append(jobID)
        offer(jobID, wall: wall, into: &out)
    }

    /// Ends a job: its state, an `agent.job_ended` record, and (`terminate`) a termination to its worker.
    mutating func end(_ jobID: String, status: Livekit_JobStatus, error: String, reason: Livekit_JobStateReason, terminate: Bool,
                      wall: Date, into out: inout [AgentAction]) {
        guard var record = jobs[jobID], !record.ended else { return }
        if record.offered {
            out.append(.cancelTimer(.offer(job: jobID, attempt: record.attempt)))
            record.offered = false
        }
        record.job.state.status = status
        record.job.state.error = error
        record.job.state.reason = reason
        record.job.state.endedAt = Self.nanoseconds(wall)
        record.job.state.updatedAt = record.job.state.endedAt
        jobs[jobID] = record
        let worker = record.worker.flatMap { workers[$0] }
        if terminate, let worker {
            var termination = Livekit_JobTermination()
            termination.jobID = jobID
            var message = Livekit_ServerMessage()
            message.termination = termination
            out.append(.send(worker.connection, message, room: RoomName(record.job.room.name)))
        }
        var detail = Self.detail(of: record)
        if !error.isEmpty { detail["why"] = .string(error) }
        out.append(.log(EventRecord(kind: "agent.job_ended", connection: worker?.connection, room: RoomName(record.job.room.name),
                                    identity: record.job.state.participantIdentity.isEmpty ? nil : Identity(record.job.state.participantIdentity),
                                    detail: detail)))
    }

    /// Whether a registered worker would take jobs of `type` for `agentName` (dispatched jobs have no namespace).
    func hasWorkers(named agentName: String, type: Livekit_JobType) -> Bool {
        workers.values.contains { $0.serves(agentName: agentName, namespace: "", type: type) }
    }

    func liveDispatches(in room: RoomName) -> [Dispatch] {
        dispatches.values.filter { $0.room == room && $0.deletedAt == 0 }.sorted { $0.order < $1.order }
    }

    func liveJob(room: RoomName, identity: String) -> String? {
        jobs.values.first { !$0.ended && $0.job.room.name == room.rawValue && $0.job.state.participantIdentity == identity }?.job.id
    }

    static func detail(of record: JobRecord?) -> [String: EventValue] {
        guard let record else { return [:] }
        var detail: [String: EventValue] = [
            "job": .string(record.job.id), "agent_name": .string(record.job.agentName), "type": .string(typeName(record.job.type)),
            "status": .string(AgentMessageDescription.statusName(record.job.state.status)),
        ]
        if !record.job.dispatchID.isEmpty { detail["dispatch"] = .string(record.job.dispatchID) }
        if let worker = record.worker { detail["worker"] = .string(worker) }
        if !record.job.state.participantIdentity.isEmpty { detail["participant_identity"] = .string(record.job.state.participantIdentity) }
        return detail
    }

    static func nanoseconds(_ wall: Date) -> Int64 { Int64(wall.timeIntervalSince1970 * 1_000_000_000) }
}
