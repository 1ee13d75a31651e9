import SimAgent
import SimCore
import SimDecart
import SimRoom
import SimScenario
import SimSignal

extension ScenarioService {
    /// Runs one command of the engine of `scope`, reaching only that scope.
    func execute(_ command: ScenarioCommand, in scope: ScenarioScope) {
        let room: RoomName?
        switch (scope, command) {
        case (.server, _): room = nil
        case (.room(let name), _): room = name
        case (.connection, .close(.signal, _, _, _)), (.connection, .abort(.signal, _)), (.connection, .sendLeave),
             (.connection, .simulate), (.connection, .liveKitPolicy):
            return notApplicable(command, in: scope, why: "a control connection's scenario reaches no LiveKit signal connection")
        case (.connection, _): room = nil
        }
        switch command {
        case .close(.signal, let target, let code, let reason):
            signal?.endSignal(connection: Self.connection(target), identity: Self.identity(target), room: room,
                              .close(code: code.rawValue, reason: reason))
        case .abort(.signal, let target):
            signal?.endSignal(connection: Self.connection(target), identity: Self.identity(target), room: room, .abort)
        case .sendLeave(let target, let reason, let action):
            signal?.sendLeave(LeaveNotice(reason: reason, action: action), connection: Self.connection(target),
                              identity: Self.identity(target), room: room)
        case .simulate(let target, let simulated):
            signal?.simulate(simulated, connection: Self.connection(target), identity: Self.identity(target), room: room)
        case .liveKitPolicy(let change):
            signal?.updateRoomPolicies(room: room) { Self.apply(change, to: &$0) }
        case .close(.control, let target, let code, let reason):
            for connection in controlTargets(target, in: scope) { decart?.endControl(connection, .close(code: code.rawValue, reason: reason)) }
        case .abort(.control, let target):
            for connection in controlTargets(target, in: scope) { decart?.endControl(connection, .abort) }
        case .close(.agent, let target, let code, let reason):
            agentTargets(target, in: scope).forEach { agents?.endWorker($0, .close(code: code.rawValue, reason: reason)) }
        case .abort(.agent, let target):
            agentTargets(target, in: scope).forEach { agents?.endWorker($0, .abort) }
        case .deleteRoom(let named):
            guard let target = named ?? room else {
                return notApplicable(command, in: scope, why: "no room named and the trigger has none")
            }
            if case .room(let own) = scope, own != target {
                return notApplicable(command, in: scope, why: "a room's scenario deletes only its own room")
            }
            _ = signal?.withEngine { engine, _ in
                switch engine.admin({ $0.deleteRoom(target).map { ((), $0) } }) {
                case .success(let (_, actions)): return ((), actions)
                case .failure: return ((), [])
                }
            }
        case .endDecartSession(let target, let ending):
            let reason = GenerationEndReason(rawValue: ending.reason.rawValue) ?? .error
            for connection in controlTargets(target, in: scope) { decart?.endSession(connection, reason: reason, errorText: ending.error) }
        case .matrixPolicy(let change):
            guard scope == .server else { return notApplicable(command, in: scope, why: "Matrix requests belong to no LiveKit room or control connection") }
            matrix?.updateSyncFaults { faults in
                switch change {
                case .holdToDevice(let identity, let syncs): faults.holdToDevice(for: identity?.rawValue, syncs: syncs)
                case .dropDeviceLists(let identity, let syncs): faults.dropDeviceLists(for: identity?.rawValue, syncs: syncs)
                }
            }
        case .decartPolicy(let change):
            switch scope {
            case .server: decart?.updateRules { Self.apply(change, to: &$0) }
            case .connection(let connection): decart?.updateRules(for: connection) { Self.apply(change, to: &$0) }
            case .room: notApplicable(command, in: scope, why: "a room's scenario has no Decart control connection")
            }
        }
    }

    /// Logs a command a scoped scenario cannot apply in its scope (nothing outside the scope is touched).
    private func notApplicable(_ command: ScenarioCommand, in scope: ScenarioScope, why: String) {
        var record = EventRecord(kind: "scenario.not_applicable", detail: ["command": .string(command.name), "why": .string(why)])
        switch scope {
        case .server: break
        case .room(let room): record.room = room
        case .connection(let connection): record.connection = connection
        }
        log.append(record)
    }

    /// The agent workers a command names: the target's connection, or (no connection: a timeline entry) every worker
    /// server-wide; a room's scenario reaches only a worker it names through its own events.
    private func agentTargets(_ target: ConnectionTarget, in scope: ScenarioScope) -> [ConnectionID?] {
        if let connection = Self.connection(target) { return [connection] }
        return scope == .server ? [nil] : []
    }

    /// The control connections a command names: the target's (nil: all) server-wide; a connection's own otherwise.
    private func controlTargets(_ target: ConnectionTarget, in scope: ScenarioScope) -> [ConnectionID?] {
        switch scope {
        case .server: [Self.connection(target)]
        case .connection(let connection): [connection]
        case .room: []
        }
    }

    static func apply(_ change: LiveKitPolicyChange, to policies: inout RoomPolicies) {
        switch change {
        case .refuseResume(let identity): policies.refuseResume.insert(identity)
        case .rejoinSID(let mode, let identity):
            if mode == .keep { policies.keepSIDOnRejoin.insert(identity) } else { policies.keepSIDOnRejoin.remove(identity) }
        }
    }

    static func apply(_ change: DecartPolicyChange, to rules: inout DecartRules) {
        switch change {
        case .acksBeforeRoomInfo: rules.earlyAcks = .immediately
        case .rejectInitialState(let error): rules.initialStateRejection = error
        case .roomInfoURL(let url): rules.roomInfoURL = url
        case .roomInfoBeforeJoin: rules.earlyRoomInfo = .forceAtOpen
        case .queue(let plan):
            rules.queueScript = DecartRules.QueueScript(positions: plan.positions, size: plan.size, interval: plan.interval, admit: plan.admit)
        }
    }

    static func identity(_ target: ConnectionTarget) -> Identity? {
        if case .identity(let identity) = target { return identity }
        return nil
    }

    static func connection(_ target: ConnectionTarget) -> ConnectionID? {
        if case .connection(let connection) = target { return connection }
        return nil
    }
}
