import SimCore

/// Which identities a policy applies to.
public enum IdentityScope: Sendable, Equatable {
    /// Nobody.
    case none
    /// Everyone.
    case all
    /// These identities.
    case some(Set<Identity>)

    /// Whether `identity` is covered.
    public func contains(_ identity: Identity) -> Bool {
        switch self {
        case .none: false
        case .all: true
        case .some(let identities): identities.contains(identity)
        }
    }

    /// Adds `identity` (nil: everyone).
    public mutating func insert(_ identity: Identity?) {
        guard let identity else { self = .all; return }
        switch self {
        case .none: self = .some([identity])
        case .all: break
        case .some(let identities): self = .some(identities.union([identity]))
        }
    }

    /// Removes `identity` (nil: everyone).
    public mutating func remove(_ identity: Identity?) {
        guard let identity else { self = .none; return }
        if case .some(var identities) = self {
            identities.remove(identity)
            self = identities.isEmpty ? .none : .some(identities)
        }
    }
}

/// Behaviour switches a scenario sets on the room model (LiveKit-level races): knobs, not `if scenario` branches.
public struct RoomPolicies: Sendable, Equatable {
    /// Resumes of these identities are refused with Leave{STATE_MISMATCH, RECONNECT} (lk-resume-fails).
    public var refuseResume: IdentityScope = .none
    /// These identities keep their SID when they join again (the default reissues one, as LiveKit does).
    public var keepSIDOnRejoin: IdentityScope = .none

    /// The defaults: nothing refused, SIDs reissued.
    public init() {}
}
