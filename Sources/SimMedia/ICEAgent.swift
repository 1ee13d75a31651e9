import CSimShims
import Synchronization

/// One ICE agent (libnice, RFC 5245 compatibility, trickle ICE, UDP host candidates on configured addresses only)
/// with one stream of one component, and the only holder of its C handle.
///
/// ## Threads and events
/// libnice runs on its own `GMainContext`, driven by one dedicated loop thread (named `sfusim-ice`) that this
/// type starts in `init` and joins in ``close()``. libnice signals fire on two threads: API-caused ones (host
/// ``ICEEvent/localCandidate(_:)``, ``ICEEvent/gatheringDone``) synchronously on the thread calling ``gather()``;
/// network-caused ones (``ICEEvent/stateChanged(_:)``, ``ICEEvent/datagramReceived(_:)``) on the loop thread.
/// The C trampoline copies the data and yields it into ``events`` (an unbounded `AsyncStream`) and returns, with
/// one exception: a received datagram is first offered, in place, to the agent's `DatagramHandler` (if it has
/// one), which runs synchronously on the loop thread — the media hot path: no copy, no task hop. A handler must not
/// block and must never close its own agent (``close()`` joins the loop thread; it traps there). libnice's lock is
/// never held while we run (it emits signals and delivers data after unlocking), so a handler may send on any
/// agent. Method calls are serialised by one internal mutex that callbacks never take, so no lock-order cycle
/// exists.
///
/// ## Close cascade
/// ``close()`` (also run by `deinit`; idempotent, callable from any thread or task):
/// 1. takes the handle out under the mutex: every later call throws ``ICEError/closed``;
/// 2. stops event delivery at the C trampolines (an atomic flag);
/// 3. quits the `GMainLoop` and joins the loop thread: no network callback can run afterwards;
/// 4. disconnects the signal handlers and detaches the receive callback;
/// 5. unrefs the `NiceAgent`, which closes its UDP sockets and timers;
/// 6. unrefs the `GMainContext`;
/// 7. finishes ``events``: a consumer's `for await` loop ends after the events already buffered.
///
/// The peer is not told (RFC 5245 has no close message): its agent keeps its selected pair until its own
/// keepalive/consent timeout (libnice: ~50 s without consent freshness). Tear peers down through signalling or a
/// DTLS close_notify, not by waiting for ICE to fail.
public final class ICEAgent: Sendable {
    /// Everything the agent observes, in order; finishes when the agent closes.
    public let events: AsyncStream<ICEEvent>
    /// This agent's ICE credentials, to put in SDP (`a=ice-ufrag`, `a=ice-pwd`).
    /// They change on ``restart(with:)``.
    public var localCredentials: ICECredentials { credentials.withLock { $0 } }
    private let credentials: Mutex<ICECredentials>
    /// The configuration the agent was created with.
    public let configuration: ICEConfiguration

    private let sink: ICEEventSink
    /// The C handle (`c_sim_nice_agent *`); `nil` once closed. Every C call happens while holding this lock.
    private let handle: Mutex<ICEAgentHandle?>

    /// Takes a received datagram on the loop thread, in place; returns true when it consumed it (otherwise the
    /// datagram is copied and delivered on ``events``).
    public typealias DatagramHandler = @Sendable (UnsafeRawBufferPointer) -> Bool

    /// Creates the agent, starts its loop thread and adds its stream; gathering starts with ``gather()``.
    ///
    /// - Parameters:
    ///   - configuration: addresses, ports and role.
    ///   - datagramHandler: offered every received datagram first, synchronously on the loop thread.
    /// - Throws: ``ICEError/invalidConfiguration(_:)``, ``ICEError/invalidLocalAddress(_:)`` or
    ///   ``ICEError/agentCreationFailed``.
    public init(configuration: ICEConfiguration = ICEConfiguration(), datagramHandler: DatagramHandler? = nil) throws(ICEError) {
        guard !configuration.localAddresses.isEmpty else {
            throw .invalidConfiguration("localAddresses is empty: the agent never gathers on every interface")
        }
        if let range = configuration.portRange, range.lowerBound == 0 {
            throw .invalidConfiguration("portRange must not include port 0; use nil for any port")
        }
        let (events, continuation) = AsyncStream.makeStream(of: ICEEvent.self, bufferingPolicy: .unbounded)
        let sink = ICEEventSink(continuation: continuation, datagramHandler: datagramHandler)
        // Unretained: `sink` is a stored property of self and outlives the C handle (freed in close()).
        guard
            let raw = c_sim_nice_agent_new(
                configuration.role == .controlling ? 1 : 0,
                iceEventTrampoline,
                Unmanaged.passUnretained(sink).toOpaque()
            )
        else {
            continuation.finish()
            throw .agentCreationFailed
        }
        func fail(_ error: ICEError) -> ICEError {
            _ = c_sim_nice_agent_free(raw)
            continuation.finish()
            return error
        }
        for address in configuration.localAddresses where c_sim_nice_agent_add_local_address(raw, address) != 1 {
            throw fail(.invalidLocalAddress(address))
        }
        let ports = configuration.portRange ?? 0...0
        guard c_sim_nice_agent_add_stream(raw, ports.lowerBound, ports.upperBound) == 1 else {
            throw fail(.agentCreationFailed)
        }
        var ufrag: UnsafeMutablePointer<CChar>?
        var pwd: UnsafeMutablePointer<CChar>?
        guard c_sim_nice_agent_get_local_credentials(raw, &ufrag, &pwd) == 1, let ufrag, let pwd else {
            throw fail(.operationFailed("get_local_credentials"))
        }
        self.credentials = Mutex(ICECredentials(ufrag: String(cString: ufrag), pwd: String(cString: pwd)))
        c_sim_nice_string_free(ufrag)
        c_sim_nice_string_free(pwd)
        self.events = events
        self.configuration = configuration
        self.sink = sink
        self.handle = Mutex(ICEAgentHandle(raw: raw))
    }

    deinit {
        close()
    }

    /// Starts gathering local candidates; host candidates and ``ICEEvent/gatheringDone`` arrive on ``events``
    /// (already buffered when this returns).
    ///
    /// - Throws: ``ICEError/closed`` or ``ICEError/operationFailed(_:)``.
    public func gather() throws(ICEError) {
        let ok = try withHandle { c_sim_nice_agent_gather($0) }
        guard ok == 1 else { throw .operationFailed("gather_candidates") }
    }

    /// Sets the peer's ICE credentials (from its `a=ice-ufrag` / `a=ice-pwd`); checks start once they and a
    /// remote candidate are known.
    ///
    /// - Throws: ``ICEError/invalidRemoteCredentials``, ``ICEError/closed`` or ``ICEError/operationFailed(_:)``.
    public func addRemoteCredentials(ufrag: String, pwd: String) throws(ICEError) {
        // RFC 8839 §5.4: ice-char only (ufrag 4–256, pwd 22–256); we only refuse what C cannot carry safely.
        guard Self.isCredential(ufrag), Self.isCredential(pwd) else { throw .invalidRemoteCredentials }
        let ok = try withHandle { c_sim_nice_agent_set_remote_credentials($0, ufrag, pwd) }
        guard ok == 1 else { throw .operationFailed("set_remote_credentials") }
    }

    /// ICE restart (RFC 8445 §9): forgets the remote candidates and checks, keeps the local candidates, and takes
    /// new local credentials (the ones our new SDP carries). Set the peer's new credentials afterwards.
    ///
    /// - Throws: ``ICEError/invalidRemoteCredentials`` when the new credentials are not ice-chars,
    ///   ``ICEError/closed`` or ``ICEError/operationFailed(_:)``.
    public func restart(with new: ICECredentials) throws(ICEError) {
        guard Self.isCredential(new.ufrag), Self.isCredential(new.pwd) else { throw .invalidRemoteCredentials }
        let ok = try withHandle { c_sim_nice_agent_restart($0, new.ufrag, new.pwd) }
        guard ok == 1 else { throw .operationFailed("restart_stream") }
        credentials.withLock { $0 = new }
    }

    /// Adds one remote candidate, `candidate:…` with or without the `a=` prefix (trailing CRLF allowed).
    ///
    /// - Throws: ``ICEError/malformedCandidate(_:)`` for a malformed line (including mDNS `.local` addresses),
    ///   ``ICEError/unsupportedCandidateComponent(_:)`` for a component other than 1,
    ///   ``ICEError/candidateNotAdded`` when libnice ignores it (e.g. TCP), or ``ICEError/closed``.
    public func addRemoteCandidate(sdpLine: String) throws(ICEError) {
        let candidate: ICECandidateLine
        do {
            candidate = try ICECandidateLine(parsing: sdpLine)
        } catch {
            throw .malformedCandidate(error)
        }
        guard candidate.componentID == 1 else { throw .unsupportedCandidateComponent(candidate.componentID) }
        let attribute = candidate.sdpAttribute
        let status = try withHandle { c_sim_nice_agent_add_remote_candidate_sdp($0, attribute) }
        switch status {
        case 1: return
        case 0: throw .malformedCandidate(.rejectedByLibnice)
        case -1: throw .unsupportedCandidateComponent(candidate.componentID)
        default: throw .candidateNotAdded
        }
    }

    /// Records that the peer finished trickling (RFC 8838 `a=end-of-candidates`): once every pair failed, the
    /// agent may then report ``ICEConnectionState/failed``.
    ///
    /// - Throws: ``ICEError/closed`` or ``ICEError/operationFailed(_:)``.
    public func endOfRemoteCandidates() throws(ICEError) {
        let ok = try withHandle { c_sim_nice_agent_end_of_remote_candidates($0) }
        guard ok == 1 else { throw .operationFailed("peer_candidate_gathering_done") }
    }

    /// Sends one datagram on the selected candidate pair (no allocation; safe from any thread). An empty
    /// datagram is not sent.
    ///
    /// - Throws: ``ICEError/sendFailed`` before a pair is selected or when the socket refuses it,
    ///   ``ICEError/closed`` after ``close()``.
    public func send(_ datagram: [UInt8]) throws(ICEError) {
        let sent = try withHandle { raw in
            datagram.withUnsafeBufferPointer { c_sim_nice_agent_send(raw, $0.baseAddress, $0.count) }
        }
        guard sent == datagram.count else { throw .sendFailed }
    }

    /// Whether ``close()`` has run.
    public var isClosed: Bool {
        handle.withLock { $0 == nil }
    }

    /// Runs the close cascade (see the type's documentation). Idempotent; safe from any thread or task.
    public func close() {
        let taken = handle.withLock { handle -> ICEAgentHandle? in
            defer { handle = nil }
            return handle
        }
        guard let taken else { return }
        // -1 only on the loop thread, where only the datagram handler runs (and it never closes its agent).
        let status = c_sim_nice_agent_free(taken.raw)
        precondition(status == 0, "ICEAgent.close() ran on its own libnice loop thread")
        sink.continuation.finish()
    }

    private func withHandle<Result: Sendable>(
        _ body: (OpaquePointer) -> Result
    ) throws(ICEError) -> Result {
        let result: Result? = handle.withLock { handle in handle.map { body($0.raw) } }
        guard let result else { throw .closed }
        return result
    }

    private static func isCredential(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 256 && value.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}

/// The C handle (`c_sim_nice_agent *`), only ever used while holding ``ICEAgent``'s mutex.
struct ICEAgentHandle: @unchecked Sendable {
    let raw: OpaquePointer
}

/// Receives the C trampoline's events for one agent; referenced unretained by the C handle.
final class ICEEventSink: Sendable {
    let continuation: AsyncStream<ICEEvent>.Continuation
    let datagramHandler: ICEAgent.DatagramHandler?

    init(continuation: AsyncStream<ICEEvent>.Continuation, datagramHandler: ICEAgent.DatagramHandler?) {
        self.continuation = continuation
        self.datagramHandler = datagramHandler
    }

    /// Offers a datagram to the handler in place, or copies one C event into an ``ICEEvent`` and yields it.
    func deliver(kind: Int32, value: Int32, bytes: UnsafePointer<UInt8>?, length: Int) {
        let buffer = UnsafeBufferPointer(start: bytes, count: bytes == nil ? 0 : length)
        let event: ICEEvent
        switch Int(kind) {
        case Int(C_SIM_NICE_EVENT_LOCAL_CANDIDATE):
            var text = String(decoding: buffer, as: UTF8.self)
            if text.hasPrefix("a=") { text.removeFirst(2) }
            event = .localCandidate(text)
        case Int(C_SIM_NICE_EVENT_GATHERING_DONE):
            event = .gatheringDone
        case Int(C_SIM_NICE_EVENT_STATE_CHANGED):
            guard let state = ICEConnectionState(niceState: value) else { return }
            event = .stateChanged(state)
        case Int(C_SIM_NICE_EVENT_DATAGRAM_RECEIVED):
            if let datagramHandler, datagramHandler(UnsafeRawBufferPointer(buffer)) { return }
            event = .datagramReceived(Array(buffer))
        default:
            return
        }
        continuation.yield(event)
    }
}

/// The one `@convention(c)` callback given to every C agent; `userData` is the agent's unretained ``ICEEventSink``.
private let iceEventTrampoline: c_sim_nice_event_callback = { userData, kind, value, bytes, length in
    guard let userData else { return }
    Unmanaged<ICEEventSink>.fromOpaque(userData).takeUnretainedValue()
        .deliver(kind: kind, value: value, bytes: bytes, length: length)
}

extension ICEConnectionState {
    /// Maps a `C_SIM_NICE_STATE_*` value (libnice's `NiceComponentState`); `nil` for unknown values.
    init?(niceState: Int32) {
        switch Int(niceState) {
        case Int(C_SIM_NICE_STATE_DISCONNECTED): self = .disconnected
        case Int(C_SIM_NICE_STATE_GATHERING): self = .gathering
        case Int(C_SIM_NICE_STATE_CONNECTING): self = .connecting
        case Int(C_SIM_NICE_STATE_CONNECTED): self = .connected
        case Int(C_SIM_NICE_STATE_READY): self = .ready
        case Int(C_SIM_NICE_STATE_FAILED): self = .failed
        default: return nil
        }
    }
}
