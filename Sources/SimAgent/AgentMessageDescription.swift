import SimCore
import SimProto

/// Names and log details of worker-protocol messages (the `agent.in` / `agent.out` taps' message kinds are the
/// protobuf oneof names).
public enum AgentMessageDescription {
    /// The oneof name of a worker's message.
    public static func kind(of message: Livekit_WorkerMessage) -> String {
        switch message.message {
        case .register: "register"
        case .availability: "availability"
        case .updateWorker: "update_worker"
        case .updateJob: "update_job"
        case .ping: "ping"
        case .simulateJob: "simulate_job"
        case .migrateJob: "migrate_job"
        case nil: "empty"
        }
    }

    /// The oneof name of a message to a worker.
    public static func kind(of message: Livekit_ServerMessage) -> String {
        switch message.message {
        case .register: "register"
        case .availability: "availability"
        case .assignment: "assignment"
        case .termination: "termination"
        case .pong: "pong"
        case nil: "empty"
        }
    }

    /// The job a worker's message is about, if any.
    public static func jobID(of message: Livekit_WorkerMessage) -> String? {
        switch message.message {
        case .availability(let answer): answer.jobID
        case .updateJob(let update): update.jobID
        default: nil
        }
    }

    /// The job a message is about, if any.
    public static func jobID(of message: Livekit_ServerMessage) -> String? {
        switch message.message {
        case .availability(let request): request.job.id
        case .assignment(let assignment): assignment.job.id
        case .termination(let termination): termination.jobID
        default: nil
        }
    }

    /// Event-log detail of a worker's message.
    static func detail(of message: Livekit_WorkerMessage) -> [String: EventValue] {
        switch message.message {
        case .register(let r):
            ["agent_name": .string(r.agentName), "type": .int(Int64(r.type.rawValue)), "version": .string(r.version)]
        case .availability(let a):
            ["job": .string(a.jobID), "available": .bool(a.available), "terminate": .bool(a.terminate),
             "participant_identity": .string(a.participantIdentity)]
        case .updateWorker(let u):
            ["status": .int(Int64(u.status.rawValue)), "load": .string("\(u.load)"), "job_count": .int(Int64(u.jobCount))]
        case .updateJob(let u): ["job": .string(u.jobID), "status": .string(statusName(u.status)), "error": .string(u.error)]
        case .migrateJob(let m): ["jobs": .strings(m.jobIds)]
        case .simulateJob(let s): ["type": .int(Int64(s.type.rawValue)), "room": .string(s.room.name)]
        case .ping, nil: [:]
        }
    }

    /// Event-log detail of a message to a worker.
    static func detail(of message: Livekit_ServerMessage) -> [String: EventValue] {
        switch message.message {
        case .register(let r): ["worker": .string(r.workerID)]
        case .availability(let a): ["job": .string(a.job.id), "agent_name": .string(a.job.agentName)]
        case .assignment(let a): ["job": .string(a.job.id)]
        case .termination(let t): ["job": .string(t.jobID)]
        case .pong, nil: [:]
        }
    }

    /// `pending`, `running`, `success`, `failed`, `cancelled`.
    public static func statusName(_ status: Livekit_JobStatus) -> String {
        switch status {
        case .jsPending: "pending"
        case .jsRunning: "running"
        case .jsSuccess: "success"
        case .jsFailed: "failed"
        case .jsCancelled: "cancelled"
        case .UNRECOGNIZED(let value): "status_\(value)"
        }
    }
}
