import Foundation
import SimCore
import SimFaults

/// A message crossing `tap`, as fault filters see it (fault and scenario tests).
public func message(_ id: UInt64, _ tap: TapPoint, _ kind: String, identity: Identity? = nil, connection: UInt64? = nil,
                    about: [Identity] = [], track: TrackSID? = nil, participant: ParticipantSID? = nil, bytes: Int? = nil,
                    keyframe: Bool? = nil) -> TapMessage {
    TapMessage(id: TapMessageID(id), context: TapContext(
        tap: tap, kind: kind, connection: connection.map(ConnectionID.init), participant: participant, identity: identity,
        track: track, about: about, payloadBytes: bytes, isKeyframe: keyframe
    ))
}

/// A logged event number `seq` at `ms` milliseconds (fault and scenario tests).
public func event(_ seq: UInt64, _ ms: Double, _ kind: String, identity: Identity? = nil, connection: UInt64? = nil,
                  room: RoomName? = nil, participant: ParticipantSID? = nil, detail: [String: EventValue] = [:]) -> SimEvent {
    SimEvent(seq: seq, tMs: ms, wall: Date(timeIntervalSince1970: 1_800_000_000 + ms / 1000), record: EventRecord(
        kind: kind, connection: connection.map(ConnectionID.init), room: room, participant: participant, identity: identity, detail: detail
    ))
}

/// `ms` milliseconds after the origin.
public func at(_ ms: Int64) -> SimInstant { SimInstant.zero + .milliseconds(ms) }

extension ManualClock {
    /// Advances by `ms` milliseconds and returns the new time.
    @discardableResult
    public func advance(ms: Int64) -> SimInstant {
        advance(by: .milliseconds(ms))
        return now()
    }
}

/// A scenario-free interceptor for tests: `decide` picks each message's outcome at the taps in `taps`, under a lock.
public final class RuleInterceptor: TapInterceptor, @unchecked Sendable {
    private let lock = NSLock()
    private let taps: Set<TapPoint>
    private var decide: (TapContext) -> TapOutcome
    /// Every context asked about, in order.
    public private(set) var seen: [TapContext] = []

    /// Acts at `taps` with `decide`.
    public init(taps: Set<TapPoint>, decide: @escaping (TapContext) -> TapOutcome) {
        self.taps = taps
        self.decide = decide
    }

    /// Whether `tap` is one of ours.
    public func isActive(at tap: TapPoint) -> Bool { taps.contains(tap) }

    /// The rule's outcome for `context`.
    public func intercept(_ context: TapContext) -> TapOutcome {
        lock.withLock {
            seen.append(context)
            return decide(context)
        }
    }

    /// A rule that applies one fault filter (its verdicts mapped to outcomes; holds are not supported).
    public static func applying(_ filter: some FaultFilter, at taps: Set<TapPoint>, now: @escaping @Sendable () -> SimInstant) -> RuleInterceptor {
        var filter = filter
        var next: UInt64 = 0
        return RuleInterceptor(taps: taps) { context in
            next += 1
            switch filter.decide(TapMessage(id: TapMessageID(next), context: context), now: now()) {
            case .pass, .passAndRelease, .hold: return .pass
            case .drop: return .drop
            case .delay(let duration): return .delay(duration)
            case .duplicate(let copies): return .duplicate(copies: copies)
            case .close(let code, let reason): return .close(code: code.rawValue, reason: reason)
            case .abort: return .abort
            case .fail(let failure): return .fail(failure)
            }
        }
    }
}
