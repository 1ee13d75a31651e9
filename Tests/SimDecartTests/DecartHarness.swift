import Foundation
import SimCore
import Testing
@testable import SimDecart

/// A control engine on a `ManualClock`, with the shell's timer bookkeeping: armed timers fire when the clock is
/// advanced past their deadline, in deadline order.
struct DecartHarness {
    var machine: DecartSessionStateMachine
    let clock = ManualClock()
    /// Armed timers, their deadlines and arming order (ties fire in arming order, as on an event loop).
    var timers: [DecartTimer: (deadline: SimInstant, order: UInt64)] = [:]
    var armed: UInt64 = 0
    /// Every action returned so far, in order.
    var transcript: [DecartAction] = []
    static let endpoint = DecartServerEndpoint(ip: "127.0.0.1", port: 8443)

    init(configuration: DecartConfiguration = DecartConfiguration(), seed: UInt64 = 7) {
        machine = DecartSessionStateMachine(configuration: configuration, seed: seed)
    }

    /// Handles an event at the current time and does the shell's timer bookkeeping.
    @discardableResult
    mutating func handle(_ event: DecartEvent) -> [DecartAction] {
        let now = clock.now()
        let actions = machine.handle(event, now: now)
        for action in actions {
            switch action {
            case .armTimer(let timer, let after):
                armed += 1
                timers[timer] = (now + after, armed)
            case .cancelTimer(let timer): timers[timer] = nil
            default: break
            }
        }
        transcript += actions
        return actions
    }

    /// Opens a connection with a query string.
    @discardableResult
    mutating func open(_ connection: UInt64, query: String = "api_key=k&model=lucy-2.1", rules: DecartRules? = nil) -> [DecartAction] {
        handle(.connectionOpened(ConnectionID(connection), query: DecartConnectQuery(rawQuery: query), endpoint: Self.endpoint, rules: rules))
    }

    /// Sends a text frame.
    @discardableResult
    mutating func text(_ connection: UInt64, _ frame: String) -> [DecartAction] {
        handle(.textFrameReceived(ConnectionID(connection), frame))
    }

    /// The room side answers a `createRoom`.
    @discardableResult
    mutating func roomCreated(_ connection: UInt64) -> [DecartAction] {
        guard let name = transcript.roomRequests(ConnectionID(connection)).last else {
            Issue.record("no createRoom for c\(connection)")
            return []
        }
        return handle(.roomCreated(ConnectionID(connection), livekitURL: "ws://127.0.0.1:7880", token: "jwt-\(connection)", roomName: name))
    }

    /// The client's LiveKit participant published video.
    @discardableResult
    mutating func published(_ connection: UInt64) -> [DecartAction] {
        handle(.publisherVideoPublished(ConnectionID(connection)))
    }

    /// Advances the clock by `duration` in steps, firing due timers in deadline order; returns their actions.
    @discardableResult
    mutating func advance(by duration: Duration) -> [DecartAction] {
        let end = clock.now() + duration
        var out: [DecartAction] = []
        while let (timer, due) = timers.filter({ $0.value.deadline <= end }).min(by: { ($0.value.deadline, $0.value.order) < ($1.value.deadline, $1.value.order) }) {
            clock.advance(by: due.deadline - clock.now())
            timers[timer] = nil
            out += handle(.timerFired(timer))
        }
        clock.advance(by: end - clock.now())
        return out
    }

    /// A LiveKit session through join and room_info.
    @discardableResult
    mutating func joined(_ connection: UInt64, query: String = "api_key=k&model=lucy-2.1", join: String = #"{"type":"livekit_join"}"#) -> [DecartAction] {
        var out = open(connection, query: query)
        out += text(connection, join)
        out += roomCreated(connection)
        return out
    }
}

extension Array where Element == DecartAction {
    /// Messages sent to `connection`, in order.
    func messages(to connection: UInt64) -> [DecartServerMessage] {
        compactMap { if case .send(let c, let m) = $0, c == ConnectionID(connection) { m } else { nil } }
    }

    /// Wire types sent to `connection`, in order.
    func types(to connection: UInt64) -> [String] { messages(to: connection).map(\.type) }

    /// Encoded frames sent to `connection`, in order.
    func frames(to connection: UInt64) -> [String] { messages(to: connection).map(DecartMessageEncoder.encode) }

    /// Closes, in order.
    var closes: [(ConnectionID, DecartCloseCode, String)] {
        compactMap { if case .close(let c, let code, let reason) = $0 { (c, code, reason) } else { nil } }
    }

    /// Event kinds logged, in order.
    var logged: [String] { compactMap { if case .log(let r) = $0 { r.kind } else { nil } } }

    /// Log records of `kind`.
    func records(_ kind: String) -> [EventRecord] {
        compactMap { if case .log(let r) = $0, r.kind == kind { r } else { nil } }
    }

    /// Room names requested for `connection`.
    func roomRequests(_ connection: ConnectionID) -> [RoomName] {
        compactMap { if case .createRoom(let c, let request) = $0, c == connection { request.roomName } else { nil } }
    }

    /// Error texts sent to `connection`.
    func errors(to connection: UInt64) -> [String] {
        messages(to: connection).compactMap { if case .error(let text, _) = $0 { text } else { nil } }
    }

    /// Whether any action is a media-side action for `connection` matching `predicate`.
    func contains(_ connection: UInt64, where predicate: (DecartAction) -> Bool) -> Bool {
        contains { action in
            switch action {
            case .send(let c, _), .close(let c, _, _), .createRoom(let c, _), .releaseRoom(let c, _), .startInference(let c, _),
                 .setInitialState(let c, _), .updateState(let c, _), .stopInference(let c), .startPeer(let c, _),
                 .addRemoteCandidate(let c, _), .closePeer(let c):
                c == ConnectionID(connection) && predicate(action)
            case .armTimer, .cancelTimer, .log: false
            }
        }
    }

    /// Whether `startInference` was issued for `connection`.
    func startsInference(_ connection: UInt64) -> Bool {
        contains(connection) { if case .startInference = $0 { true } else { false } }
    }
}

/// Parses an encoded frame with Foundation, independently of our parser.
func foundationObject(_ frame: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(frame.utf8))
    return try #require(object as? [String: Any])
}
