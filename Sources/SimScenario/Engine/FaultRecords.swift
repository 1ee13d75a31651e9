import SimCore
import SimFaults

/// The `fault.applied` records the engine logs (product.md §6): what (`action`, `fault`), where (`tap`, connection,
/// `message`), why (the rule or timeline entry).
enum FaultRecords {
    /// One message's verdict.
    static func applied(_ verdict: FaultVerdict, to context: TapContext, by filter: ScenarioEngine.InstalledFilter) -> EventRecord {
        var detail = base(filter, action: verdict.name)
        detail["message"] = .string(context.kind)
        if let topic = context.topic { detail["topic"] = .string(topic) }
        if let device = context.device { detail["device"] = .string(device) }
        switch verdict {
        case .delay(let delay): detail["delay_ms"] = .int(Int64(delay.milliseconds.rounded()))
        case .duplicate(let copies): detail["copies"] = .int(Int64(copies))
        case .fail(let failure):
            detail["status"] = .int(Int64(failure.status))
            detail["errcode"] = .string(failure.errcode)
        case .close(let code, let reason):
            detail["code"] = .int(Int64(code.rawValue))
            if !reason.isEmpty { detail["reason"] = .string(reason) }
        default: break
        }
        return EventRecord(kind: "fault.applied", connection: context.connection, room: context.room, participant: context.participant,
                           identity: context.identity, tap: context.tap, direction: context.direction, detail: detail)
    }

    /// Held messages released.
    static func released(_ messages: [TapMessageID], by filter: ScenarioEngine.InstalledFilter) -> EventRecord {
        var detail = base(filter, action: "release")
        detail["messages"] = .int(Int64(messages.count))
        return EventRecord(kind: "fault.applied", tap: filter.tap, detail: detail)
    }

    /// A media impairment installed (media faults are logged per filter, not per packet).
    static func mediaStarted(_ filter: ScenarioEngine.InstalledFilter) -> EventRecord {
        var detail = base(filter, action: "impair")
        detail["summary"] = .string(filter.filter.summary)
        return EventRecord(kind: "fault.applied", tap: filter.tap, detail: detail)
    }

    /// A media impairment removed, with how many packets it affected.
    static func mediaEnded(_ filter: ScenarioEngine.InstalledFilter) -> EventRecord {
        var detail = base(filter, action: "impair_end")
        detail["affected"] = .int(Int64(filter.affected))
        return EventRecord(kind: "fault.applied", tap: filter.tap, detail: detail)
    }

    /// A one-shot command.
    static func command(_ command: ScenarioCommand, fault: String, origin: FaultOrigin) -> EventRecord {
        var detail: [String: EventValue] = ["action": .string(command.name), "fault": .string(fault), "why": .string(origin.description)]
        var record = EventRecord(kind: "fault.applied", detail: [:])
        func aim(_ target: ConnectionTarget) {
            detail["target"] = .string(target.description)
            switch target {
            case .connection(let id): record.connection = id
            case .identity(let identity): record.identity = identity
            case .all: break
            }
        }
        switch command {
        case .close(let socket, let target, let code, let reason):
            aim(target)
            record.tap = socket.outboundTap
            detail["code"] = .int(Int64(code.rawValue))
            if !reason.isEmpty { detail["reason"] = .string(reason) }
        case .abort(let socket, let target):
            aim(target)
            record.tap = socket.outboundTap
        case .sendLeave(let target, let reason, let action):
            aim(target)
            record.tap = .signalOut
            detail["reason"] = .string(reason.rawValue)
            detail["leave_action"] = .string(action.rawValue)
        case .simulate(let target, let simulated):
            aim(target)
            detail["scenario"] = .string(simulated.name)
        case .liveKitPolicy(let change):
            detail["policy"] = .string(change.description)
        case .decartPolicy(let change):
            detail["policy"] = .string(change.description)
        case .matrixPolicy(let change):
            detail["policy"] = .string(change.description)
        case .endDecartSession(let target, let ending):
            aim(target)
            record.tap = .controlOut
            detail["reason"] = .string(ending.reason.rawValue)
            if let error = ending.error { detail["error"] = .string(error) }
            if let code = ending.closeCode { detail["code"] = .int(Int64(code.rawValue)) }
        case .deleteRoom(let room):
            record.room = room
        }
        record.detail = detail
        return record
    }

    private static func base(_ filter: ScenarioEngine.InstalledFilter, action: String) -> [String: EventValue] {
        ["action": .string(action), "fault": .string(filter.actionName), "filter": .string(filter.id.description),
         "why": .string(filter.origin.description)]
    }
}
