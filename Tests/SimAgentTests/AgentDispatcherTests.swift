import Foundation
import SimAgent
import SimAuth
import SimCore
import SimProto
import SimRoom
import Testing

/// Transcripts of the pure dispatcher: registration, dispatch (automatic, token/CreateRoom, Twirp), offers and
/// answers, job tokens, status, worker loss and migration, termination.
struct AgentDispatcherTests {
    static let key = APIKey("devkey")
    static let wall = Date(timeIntervalSince1970: 1_800_000_000)
    var dispatcher = AgentDispatcher(configuration: AgentConfiguration(keys: [key: "secret"]), seed: 7)

    // MARK: Helpers

    static func message(_ build: (inout Livekit_WorkerMessage) -> Void) -> Livekit_WorkerMessage {
        var message = Livekit_WorkerMessage()
        build(&message)
        return message
    }

    static func register(_ name: String, type: Livekit_JobType = .jtRoom) -> Livekit_WorkerMessage {
        message {
            var request = Livekit_RegisterWorkerRequest()
            request.agentName = name
            request.type = type
            request.version = "1.8.9"
            $0.register = request
        }
    }

    static func answer(_ job: String, available: Bool = true, identity: String = "", terminate: Bool = false) -> Livekit_WorkerMessage {
        message {
            var response = Livekit_AvailabilityResponse()
            response.jobID = job
            response.available = available
            response.terminate = terminate
            response.participantIdentity = identity
            response.participantName = "Agent"
            response.participantAttributes = ["lk.agent.name": "x"]
            $0.availability = response
        }
    }

    static func room(_ name: String) -> Livekit_Room {
        var room = Livekit_Room()
        room.name = name
        room.sid = "RM_\(name)"
        return room
    }

    static func sent(_ actions: [AgentAction]) -> [(ConnectionID, Livekit_ServerMessage)] {
        actions.compactMap { if case .send(let connection, let message, _) = $0 { (connection, message) } else { nil } }
    }

    static func logged(_ actions: [AgentAction]) -> [EventRecord] {
        actions.compactMap { if case .log(let record) = $0 { record } else { nil } }
    }

    static func kinds(_ actions: [AgentAction]) -> [String] { logged(actions).map(\.kind) }

    /// A registered worker on `connection`; returns its id.
    mutating func worker(_ connection: UInt64, _ name: String, type: Livekit_JobType = .jtRoom) -> String {
        _ = dispatcher.connectionOpened(ConnectionID(connection), apiKey: Self.key)
        let actions = dispatcher.messageReceived(ConnectionID(connection), Self.register(name, type: type), wall: Self.wall)
        return Self.sent(actions)[0].1.register.workerID
    }

    /// The job an availability request in `actions` offers, and to whom.
    static func offered(_ actions: [AgentAction]) -> (ConnectionID, Livekit_Job)? {
        sent(actions).first { if case .availability = $0.1.message { true } else { false } }.map { ($0.0, $0.1.availability.job) }
    }

    // MARK: Registration

    @Test mutating func registrationAnswersRegisterFirstWithServerInfo() {
        let opened = dispatcher.connectionOpened(1, apiKey: Self.key)
        #expect(opened.contains { if case .armTimer(.register(1), .seconds(10)) = $0 { true } else { false } })
        let actions = dispatcher.messageReceived(1, Self.register("a"), wall: Self.wall)
        let replies = Self.sent(actions)
        #expect(replies.count == 1)
        let response = replies[0].1.register
        #expect(response.workerID.hasPrefix("AW_") && response.workerID.count == 15)
        #expect(response.serverInfo.protocol == 17 && response.serverInfo.agentProtocol == 1 && response.serverInfo.edition == .standard)
        #expect(actions.contains { if case .cancelTimer(.register(1)) = $0 { true } else { false } })
        #expect(Self.kinds(actions) == ["agent.worker_registered"])
        // Defaults for a registration without permissions (LiveKit's).
        let worker = dispatcher.workers[response.workerID]
        #expect(worker?.permissions.canPublish == true && worker?.permissions.canSubscribe == true && worker?.permissions.canUpdateMetadata == true)
    }

    @Test mutating func aPingBeforeRegisteringIsAnsweredAnythingElseClosesAndSilenceTimesOut() {
        _ = dispatcher.connectionOpened(1, apiKey: Self.key)
        let pong = Self.sent(dispatcher.messageReceived(1, Self.message { $0.ping.timestamp = 42 }, wall: Self.wall))
        #expect(pong.first?.1.pong.lastTimestamp == 42 && pong.first?.1.pong.timestamp == 1_800_000_000_000)
        let refused = dispatcher.messageReceived(1, Self.message { $0.updateWorker = Livekit_UpdateWorkerStatus() }, wall: Self.wall)
        #expect(refused.contains { if case .close(1, 1008, "expected register as the first message") = $0 { true } else { false } })

        _ = dispatcher.connectionOpened(2, apiKey: Self.key)
        let late = dispatcher.timerFired(.register(2), wall: Self.wall)
        #expect(late.contains { if case .close(2, 1008, _) = $0 { true } else { false } })
        _ = dispatcher.connectionOpened(3, apiKey: Self.key)
        _ = dispatcher.messageReceived(3, Self.register("a"), wall: Self.wall)
        #expect(dispatcher.timerFired(.register(3), wall: Self.wall).isEmpty)  // registered in time

        _ = dispatcher.connectionOpened(4, apiKey: Self.key)
        var bad = Self.register("a")
        bad.register.type = .UNRECOGNIZED(9)
        #expect(dispatcher.messageReceived(4, bad, wall: Self.wall).contains { if case .close(4, 1008, "unknown job type 9") = $0 { true } else { false } })
        let again = dispatcher.messageReceived(3, Self.register("a"), wall: Self.wall)
        #expect(again.contains { if case .close(3, 1008, "worker already registered") = $0 { true } else { false } })
    }

    // MARK: Dispatch

    @Test mutating func automaticDispatchGoesToUnnamedWorkersOnlyAndSkipsSilentlyWithoutOne() throws {
        let none = dispatcher.roomCreated(Self.room("r0"), agents: [], wall: Self.wall)
        #expect(none.isEmpty)
        _ = worker(1, "named")
        #expect(dispatcher.roomCreated(Self.room("r1"), agents: [], wall: Self.wall).isEmpty)
        _ = worker(2, "")
        let actions = dispatcher.roomCreated(Self.room("r2"), agents: [], wall: Self.wall)
        let (to, job) = try #require(Self.offered(actions))
        #expect(to == 2 && job.agentName == "" && job.type == .jtRoom && job.room.name == "r2" && job.id.hasPrefix("AJ_"))
        #expect(job.dispatchID.hasPrefix("AD_") && job.state.status == .jsRunning && job.state.workerID == dispatcher.workers.values.first { $0.agentName == "" }?.id)
        #expect(Self.kinds(actions) == ["agent.dispatch_created", "agent.job_offered"])
        #expect(actions.contains { if case .armTimer(.offer(job: job.id, attempt: 1), .seconds(10)) = $0 { true } else { false } })
    }

    @Test mutating func explicitAgentsGoToTheirNamedWorkersAndAMissingOneIsLogged() {
        _ = worker(1, "")
        _ = worker(2, "helper")
        let actions = dispatcher.roomCreated(Self.room("r"), agents: [RoomAgentRequest(agentName: "helper", metadata: "m", attributes: ["a": "b"]),
                                                                      RoomAgentRequest(agentName: "ghost")], wall: Self.wall)
        let offers = Self.sent(actions).filter { if case .availability = $0.1.message { true } else { false } }
        #expect(offers.count == 1 && offers[0].0 == 2)
        #expect(offers[0].1.availability.job.metadata == "m" && offers[0].1.availability.job.attributes == ["a": "b"])
        let skipped = Self.logged(actions).first { $0.kind == "agent.job_not_dispatched" }
        #expect(skipped?.detail["agent_name"] == "ghost")
        #expect(dispatcher.listDispatches(room: "r", id: nil).map(\.agentName) == ["helper", "ghost"])
    }

    // MARK: Assignment and the job token

    @Test mutating func anAcceptedOfferGetsAnAssignmentWithLiveKitsAgentToken() throws {
        _ = worker(1, "helper")
        let (_, job) = try #require(Self.offered(dispatcher.roomCreated(Self.room("r"), agents: [RoomAgentRequest(agentName: "helper")], wall: Self.wall)))
        let actions = dispatcher.messageReceived(1, Self.answer(job.id, identity: "agent-\(job.id)"), wall: Self.wall)
        #expect(Self.kinds(actions) == ["agent.job_accepted", "agent.job_assigned"])
        #expect(actions.contains { if case .cancelTimer(.offer(job: job.id, attempt: 1)) = $0 { true } else { false } })
        let assignment = try #require(Self.sent(actions).first).1.assignment
        #expect(!assignment.hasURL && assignment.job.id == job.id && assignment.job.state.participantIdentity == "agent-\(job.id)")
        let token = try TokenVerifier(keys: [Self.key: "secret"]).verify(assignment.token, now: Self.wall)
        let claims = token.claims
        #expect(claims.sub == "agent-\(job.id)" && claims.kind == "agent" && claims.name == "Agent")
        #expect(claims.attributes == ["lk.agent.name": "x", "lk.agent_name": "helper"])
        #expect(claims.exp == 1_800_003_600 && claims.nbf == 1_800_000_000)
        #expect(claims.video?.agent == true && claims.video?.roomJoin == true && claims.video?.room == "r")
        #expect(claims.video?.canPublish == true && claims.video?.canSubscribe == true && claims.video?.canUpdateOwnMetadata == true)
        #expect(dispatcher.jobs[job.id]?.job.state.status == .jsRunning)
        // A late timer for the answered offer does nothing.
        #expect(dispatcher.timerFired(.offer(job: job.id, attempt: 1), wall: Self.wall).isEmpty)
    }

    @Test mutating func aDeclinedOfferGoesToTheNextWorkerAndEndsWhenNoneIsLeft() throws {
        _ = worker(1, "")
        _ = worker(2, "")
        let (first, job) = try #require(Self.offered(dispatcher.roomCreated(Self.room("r"), agents: [], wall: Self.wall)))
        #expect(first == 1)  // registration order breaks the tie
        let declined = dispatcher.messageReceived(1, Self.answer(job.id, available: false), wall: Self.wall)
        #expect(Self.kinds(declined) == ["agent.job_declined", "agent.job_offered"])
        #expect(Self.offered(declined)?.0 == 2)
        let last = dispatcher.messageReceived(2, Self.answer(job.id, available: false), wall: Self.wall)
        let ended = try #require(Self.logged(last).last)
        #expect(ended.kind == "agent.job_ended" && ended.detail["status"] == "failed")
        #expect(ended.detail["why"] == "no worker accepted the job (2 declined or left)")
        #expect(dispatcher.jobs[job.id]?.job.state.reason == .jsrNoCapacity)
    }

    @Test mutating func theWorkerWithFewestJobsGetsTheNextOne() throws {
        _ = worker(1, "")
        _ = worker(2, "")
        let (to1, job1) = try #require(Self.offered(dispatcher.roomCreated(Self.room("a"), agents: [], wall: Self.wall)))
        _ = dispatcher.messageReceived(to1, Self.answer(job1.id), wall: Self.wall)
        let (to2, _) = try #require(Self.offered(dispatcher.roomCreated(Self.room("b"), agents: [], wall: Self.wall)))
        #expect(to1 == 1 && to2 == 2)
    }

    @Test mutating func anUnansweredOfferTimesOutAndIsNotRetried() throws {
        _ = worker(1, "")
        _ = worker(2, "")
        let (_, job) = try #require(Self.offered(dispatcher.roomCreated(Self.room("r"), agents: [], wall: Self.wall)))
        let actions = dispatcher.timerFired(.offer(job: job.id, attempt: 1), wall: Self.wall)
        #expect(Self.offered(actions) == nil)
        #expect(Self.logged(actions).map(\.kind) == ["agent.job_ended"])
        #expect(Self.logged(actions)[0].detail["why"] == "worker did not answer the availability request within 10.0 seconds")
        // An answer after the timeout is refused and logged.
        #expect(Self.kinds(dispatcher.messageReceived(1, Self.answer(job.id), wall: Self.wall)) == ["agent.in.invalid"])
    }

    @Test mutating func terminateAtAvailabilityEndsTheJobAsSuccess() throws {
        _ = worker(1, "")
        let (_, job) = try #require(Self.offered(dispatcher.roomCreated(Self.room("r"), agents: [], wall: Self.wall)))
        let actions = dispatcher.messageReceived(1, Self.answer(job.id, terminate: true), wall: Self.wall)
        #expect(Self.sent(actions).isEmpty && dispatcher.jobs[job.id]?.job.state.status == .jsSuccess)
    }

    @Test mutating func loadIsIgnoredUnlessConfiguredOtherwise() throws {
        _ = worker(1, "")
        let full = Self.message {
            var status = Livekit_UpdateWorkerStatus()
            status.status = .wsFull
            status.load = 1
            $0.updateWorker = status
        }
        #expect(Self.kinds(dispatcher.messageReceived(1, full, wall: Self.wall)) == ["agent.worker_status"])
        #expect(Self.offered(dispatcher.roomCreated(Self.room("r"), agents: [], wall: Self.wall)) != nil)

        var strict = AgentConfiguration(keys: [Self.key: "secret"])
        strict.respectLoad = true
        dispatcher = AgentDispatcher(configuration: strict, seed: 1)
        _ = worker(1, "")
        _ = dispatcher.messageReceived(1, full, wall: Self.wall)
        let actions = dispatcher.roomCreated(Self.room("r"), agents: [], wall: Self.wall)
        #expect(Self.offered(actions) == nil && Self.logged(actions).last?.detail["status"] == "failed")
    }

    // MARK: Job lifetime

    /// Accepts the offer in `actions` as worker `connection`; returns the job id and the agent identity.
    mutating func accept(_ actions: [AgentAction]) throws -> (String, String) {
        let (connection, job) = try #require(Self.offered(actions))
        _ = dispatcher.messageReceived(connection, Self.answer(job.id, identity: "agent-\(job.id)"), wall: Self.wall)
        return (job.id, "agent-\(job.id)")
    }

    @Test mutating func theAgentLeavingEndsTheJobAndTellsTheWorker() throws {
        _ = worker(1, "")
        let (job, identity) = try accept(dispatcher.roomCreated(Self.room("r"), agents: [], wall: Self.wall))
        var info = Livekit_ParticipantInfo()
        info.identity = identity
        info.kind = .agent
        #expect(Self.kinds(dispatcher.participantActive(info, room: "r", wall: Self.wall)) == ["agent.job_joined"])
        #expect(dispatcher.jobs[job]?.joined == true)
        let actions = dispatcher.participantLeft(identity: Identity(identity), kind: 4, room: "r", wall: Self.wall)
        #expect(Self.sent(actions).map { $0.1.termination.jobID } == [job])
        #expect(Self.logged(actions).last?.detail["why"] == "agent worker left the room")
        #expect(dispatcher.participantLeft(identity: Identity(identity), kind: 4, room: "r", wall: Self.wall).isEmpty)
    }

    @Test mutating func theWorkerReportingSuccessEndsTheJob() throws {
        _ = worker(1, "")
        let (job, _) = try accept(dispatcher.roomCreated(Self.room("r"), agents: [], wall: Self.wall))
        let running = Self.message {
            var update = Livekit_UpdateJobStatus()
            update.jobID = job
            update.status = .jsRunning
            $0.updateJob = update
        }
        #expect(Self.kinds(dispatcher.messageReceived(1, running, wall: Self.wall)).isEmpty)  // already running
        var done = running
        done.updateJob.status = .jsSuccess
        #expect(Self.kinds(dispatcher.messageReceived(1, done, wall: Self.wall)) == ["agent.job_ended"])
        #expect(dispatcher.jobs[job]?.ended == true)
    }

    @Test mutating func aLostWorkersOfferMovesOnAndItsRunningJobWaitsForMigration() throws {
        _ = worker(1, "")
        let (running, identity) = try accept(dispatcher.roomCreated(Self.room("a"), agents: [], wall: Self.wall))
        let (to, pending) = try #require(Self.offered(dispatcher.roomCreated(Self.room("b"), agents: [], wall: Self.wall)))
        #expect(to == 1)
        _ = worker(2, "")
        let lost = dispatcher.connectionClosed(1, wall: Self.wall)
        #expect(Self.kinds(lost) == ["agent.worker_lost", "agent.job_offered"])
        #expect(Self.offered(lost)?.1.id == pending.id && Self.offered(lost)?.0 == 2)
        #expect(dispatcher.jobs[running]?.ended == false)
        // The worker comes back as a new worker and claims the job it still runs.
        let newWorker = worker(3, "")
        let migrated = dispatcher.messageReceived(3, Self.message { $0.migrateJob.jobIds = [running, "AJ_unknown"] }, wall: Self.wall)
        #expect(Self.kinds(migrated) == ["agent.job_migrated"])
        #expect(dispatcher.jobs[running]?.worker == newWorker)
        let left = dispatcher.participantLeft(identity: Identity(identity), kind: 4, room: "a", wall: Self.wall)
        #expect(Self.sent(left).map(\.0) == [3])
    }

    @Test mutating func aClosedRoomTerminatesItsLiveJobs() throws {
        _ = worker(1, "")
        let (job, _) = try accept(dispatcher.roomCreated(Self.room("r"), agents: [], wall: Self.wall))
        let actions = dispatcher.roomClosed("r", wall: Self.wall)
        #expect(Self.sent(actions).map { $0.1.termination.jobID } == [job])
        #expect(Self.logged(actions).last?.detail["why"] == "room closed")
        // Nothing is kept for a closed room: a long run with many rooms stays flat.
        #expect(dispatcher.jobs.isEmpty && dispatcher.dispatches.isEmpty && dispatcher.listDispatches(room: "r", id: nil).isEmpty)
    }

    @Test mutating func participantAndPublisherJobsFollowTheirWorkersTypes() throws {
        _ = worker(1, "p", type: .jtParticipant)
        _ = worker(2, "q", type: .jtPublisher)
        _ = dispatcher.roomCreated(Self.room("r"), agents: [RoomAgentRequest(agentName: "p"), RoomAgentRequest(agentName: "q")], wall: Self.wall)
        var user = Livekit_ParticipantInfo()
        user.identity = "u"
        let joined = try #require(Self.offered(dispatcher.participantActive(user, room: "r", wall: Self.wall)))
        #expect(joined.0 == 1 && joined.1.type == .jtParticipant && joined.1.participant.identity == "u")
        let published = try #require(Self.offered(dispatcher.publisherStarted(user, room: "r", wall: Self.wall)))
        #expect(published.0 == 2 && published.1.type == .jtPublisher)
    }

    // MARK: AgentDispatchService and simulate_job

    @Test mutating func createListAndDeleteADispatch() throws {
        _ = worker(1, "helper")
        var request = Livekit_CreateAgentDispatchRequest()
        request.agentName = "helper"
        request.room = "r"
        request.metadata = "m"
        let (created, actions) = dispatcher.createDispatch(request, room: Self.room("r"), participants: [], wall: Self.wall)
        #expect(created.id.hasPrefix("AD_") && created.state.createdAt == 1_800_000_000_000_000_000)
        let (_, job) = try #require(Self.offered(actions))
        _ = dispatcher.messageReceived(1, Self.answer(job.id, identity: "agent-x"), wall: Self.wall)
        #expect(dispatcher.listDispatches(room: "r", id: created.id).map { $0.state.jobs.map(\.state.participantIdentity) } == [["agent-x"]])
        #expect(dispatcher.listDispatches(room: "r", id: "AD_other").isEmpty)
        let (deleted, ended) = try dispatcher.deleteDispatch(id: created.id, room: "r", wall: Self.wall).get()
        #expect(deleted.state.deletedAt > 0 && Self.sent(ended).map { $0.1.termination.jobID } == [job.id])
        #expect(dispatcher.jobs[job.id]?.job.state.status == .jsSuccess)
        #expect(dispatcher.listDispatches(room: "r", id: nil).isEmpty)
        #expect(throws: AgentDispatchError.dispatchNotFound) { try dispatcher.deleteDispatch(id: created.id, room: "r", wall: Self.wall).get() }
    }

    @Test mutating func simulateJobIsOfferedToTheAskingWorkerOnly() throws {
        _ = worker(1, "a")
        _ = worker(2, "b")
        let simulate = Self.message {
            var request = Livekit_SimulateJobRequest()
            request.room = Self.room("sim")
            $0.simulateJob = request
        }
        let (to, job) = try #require(Self.offered(dispatcher.messageReceived(2, simulate, wall: Self.wall)))
        #expect(to == 2 && job.type == .jtRoom && job.room.name == "sim" && job.agentName == "b")
    }
}

extension ConnectionID: ExpressibleByIntegerLiteral {
    /// `1` for `ConnectionID(1)` in transcripts.
    public init(integerLiteral value: UInt64) { self.init(value) }
}
