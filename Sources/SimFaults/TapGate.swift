import SimCore

/// The one tap shell every owner of a tap uses (the signal hub, the Decart hub, the media router): asks the
/// scenario's interceptor about each message crossing the tap (only when it acts there), turns its outcome into one
/// step for the owner, and keeps held messages until the interceptor releases them. Pure bookkeeping: the owner
/// runs the step (delivers, schedules, ends the connection) under its own lock.
public struct TapGate<Message> {
    /// What the owner does with one message after the gate.
    public enum Step {
        /// Deliver it now, `times` times (1, or 1 plus a duplicate's copies).
        case deliver(Message, times: Int)
        /// Deliver it after this long, without asking the gate again.
        case deliverLater(Message, after: Duration)
        /// Do not deliver it: end the connection it was on.
        case end(ConnectionEnding)
        /// Do not deliver it: answer this HTTP error instead (HTTP taps).
        case fail(Message, HTTPFailure)
        /// Nothing now: it was dropped, or it is held until ``release(_:)`` names it.
        case none
    }

    /// Which outcomes apply to what crosses this gate.
    public enum Outcomes: Sendable {
        /// Every outcome: messages on a connection (signalling, control).
        case messages
        /// Drops and delays only: media packets, which cannot be held, duplicated or end a connection (those let
        /// the packet through).
        case packets
    }

    /// The scenario engine's shell, when one is attached (held weakly: the shell owns the hubs, not the reverse).
    public var interceptor: (any TapInterceptor)? { attached }
    @usableFromInline weak var attached: (any TapInterceptor)?
    /// Messages dropped at the gate so far.
    public private(set) var dropped = 0
    /// Messages delayed at the gate so far.
    public private(set) var delayed = 0
    private let outcomes: Outcomes
    private var held: [UInt64: Message] = [:]

    /// A gate with nothing attached.
    public init(_ outcomes: Outcomes = .messages) {
        self.outcomes = outcomes
    }

    /// Attaches the interceptor (nil detaches it; held messages stay until released).
    public mutating func attach(_ interceptor: (any TapInterceptor)?) {
        attached = interceptor
    }

    /// Whether anything acts at `tap`: when not, `admit` delivers without building a context. Inlinable, so the
    /// per-packet check costs no call into this generic type.
    @inlinable
    public func isActive(at tap: TapPoint) -> Bool {
        attached?.isActive(at: tap) ?? false
    }

    /// The step for `message` crossing `tap`; `context` is built only when the interceptor acts there.
    public mutating func admit(_ message: Message, at tap: TapPoint, context: () -> TapContext) -> Step {
        guard let interceptor = attached, interceptor.isActive(at: tap) else { return .deliver(message, times: 1) }
        switch (interceptor.intercept(context()), outcomes) {
        case (.pass, _):
            return .deliver(message, times: 1)
        case (.drop, _):
            dropped += 1
            return .none
        case (.delay(let duration), _):
            delayed += 1
            return .deliverLater(message, after: duration)
        case (.duplicate, .packets), (.hold, .packets), (.close, .packets), (.abort, .packets):
            return .deliver(message, times: 1)
        case (.duplicate(let copies), .messages):
            return .deliver(message, times: 1 + max(0, copies))
        case (.hold(let id), .messages):
            held[id] = message
            return .none
        case (.close(let code, let reason), .messages):
            return .end(.close(code: code, reason: reason))
        case (.abort, .messages):
            return .end(.abort)
        case (.fail(let failure), .messages):
            return .fail(message, failure)
        case (.fail, .packets):
            return .deliver(message, times: 1)
        }
    }

    /// Takes a held message out by the interceptor's id; nil when the gate holds none under it.
    public mutating func release(_ id: UInt64) -> Message? {
        held.removeValue(forKey: id)
    }

    /// Takes every held message out (the owner is shutting down), in the order of their hold ids.
    public mutating func releaseAll() -> [Message] {
        defer { held = [:] }
        return held.sorted { $0.key < $1.key }.map(\.value)
    }

    /// How many messages the gate holds.
    public var heldCount: Int { held.count }
}

extension TapGate.Step {
    /// Runs the step with the owner's three ways of handling a message: deliver it now (as many times as the step
    /// says), deliver it later, or end its connection; a dropped or held message does nothing. An HTTP error step
    /// (never produced at a WebSocket tap: the loader allows `http_error` at HTTP taps only) delivers.
    public func run(deliver: (Message) -> Void, later: (Message, Duration) -> Void, end: (ConnectionEnding) -> Void) {
        switch self {
        case .deliver(let message, let times): for _ in 0..<times { deliver(message) }
        case .fail(let message, _): deliver(message)
        case .deliverLater(let message, let delay): later(message, delay)
        case .end(let ending): end(ending)
        case .none: break
        }
    }
}

extension TapGate: Sendable where Message: Sendable {}
