import Foundation
import ServiceLifecycle
import SimAuth
import SimCore
import SimFaults
import SimMatrix

/// The shell of the embedded homeserver and the JWT service: one lock around the engine, the long-poll `/sync`
/// requests it holds (each with its timeout timer), the `http.in` / `http.out` taps (one ``TapGate``: a request
/// may be delayed, held, dropped — the connection closes without an answer — or answered with an HTTP error before
/// the homeserver sees it, and likewise its response), and the event log. Answers and log records are handed out
/// after the lock is released.
final class MatrixService: @unchecked Sendable {
    /// What comes of one request at the taps and the homeserver.
    enum Answer: Sendable {
        /// Write this.
        case respond(MatrixResponse)
        /// Close the connection without an answer.
        case drop
    }

    /// One request or response waiting at a tap: resumed once the gate lets it through (or not).
    private struct Ticket: Sendable {
        let resume: @Sendable (Passage) -> Void
    }

    private enum Passage: Sendable {
        case go
        case drop
        case fail(HTTPFailure)
    }

    private struct Waiter {
        var wait: SyncWait
        var continuation: CheckedContinuation<MatrixResponse, Never>
        var request: MatrixRequest
        var user: String?
        var since: SimInstant
        var timer: (any TimerHandle)?
    }

    private let lock = NSLock()
    private var engine: MatrixHomeserver
    private var waiters: [Int: Waiter] = [:]
    private var gate = TapGate<Ticket>()
    private var nextWaiter = 0
    private var issuer: RTCAuthorization.Issuer
    private var baseURL = ""
    let clock: any SimClock
    private let scheduler: any TimerScheduler
    private let log: EventLog

    init(configuration: MatrixConfiguration, seed: UInt64, apiKey: APIKey, secret: String, clock: any SimClock,
         scheduler: any TimerScheduler, log: EventLog) {
        engine = MatrixHomeserver(configuration: configuration, seed: seed)
        issuer = RTCAuthorization.Issuer(livekitURL: "", apiKey: apiKey, secret: secret, hashForm: configuration.rtcHashForm,
                                         serverName: configuration.serverName)
        self.clock = clock
        self.scheduler = scheduler
        self.log = log
    }

    /// Changes the faults on `/sync` contents (a scenario's command).
    func updateSyncFaults(_ change: (inout SyncFaults) -> Void) {
        lock.withLock { change(&engine.syncFaults) }
    }

    /// Attaches the scenario shell at the HTTP taps (nil detaches; held requests stay until released).
    func attachInterceptor(_ interceptor: (any TapInterceptor)?) {
        lock.withLock { gate.attach(interceptor) }
    }

    /// Lets held requests or responses through, in order.
    func releaseHeld(_ ids: [UInt64]) {
        let tickets = lock.withLock { ids.compactMap { gate.release($0) } }
        for ticket in tickets { ticket.resume(.go) }
    }

    /// A client-server API request through `http.in`, the homeserver and `http.out`. When the server shuts down,
    /// held requests are dropped and held syncs answered, so no request keeps it from stopping.
    func serve(_ request: MatrixRequest) async -> Answer {
        await withGracefulShutdownHandler {
            await self.serveNow(request)
        } onGracefulShutdown: { [weak self] in
            self?.releaseAll()
        }
    }

    private func serveNow(_ request: MatrixRequest) async -> Answer {
        let caller = lock.withLock { engine.caller(of: request) }
        let identity = caller.user.map(Identity.init)
        switch await pass(.httpIn, TapContext(tap: .httpIn, kind: caller.endpoint, identity: identity, direction: .inbound)) {
        case .drop: return .drop
        case .fail(let failure): return .respond(Self.response(failure))
        case .go: break
        }
        let response = await handle(request)
        switch await pass(.httpOut, TapContext(tap: .httpOut, kind: caller.endpoint, identity: identity, direction: .outbound)) {
        case .drop: return .drop
        case .fail(let failure): return .respond(Self.response(failure))
        case .go: return .respond(response)
        }
    }

    /// `POST /sfu/get` and `POST /get_token` through the taps.
    func serveAuthorization(_ endpoint: RTCAuthorization.Endpoint, body: [UInt8]) async -> Answer {
        await withGracefulShutdownHandler {
            await self.authorizeNow(endpoint, body: body)
        } onGracefulShutdown: { [weak self] in
            self?.releaseAll()
        }
    }

    private func authorizeNow(_ endpoint: RTCAuthorization.Endpoint, body: [UInt8]) async -> Answer {
        let kind = endpoint.rawValue
        switch await pass(.httpIn, TapContext(tap: .httpIn, kind: kind, direction: .inbound)) {
        case .drop: return .drop
        case .fail(let failure): return .respond(Self.response(failure))
        case .go: break
        }
        let response = authorize(endpoint, body: body)
        switch await pass(.httpOut, TapContext(tap: .httpOut, kind: kind, direction: .outbound)) {
        case .drop: return .drop
        case .fail(let failure): return .respond(Self.response(failure))
        case .go: return .respond(response)
        }
    }

    /// The gate's step for one request at `tap`, awaited (no wait at all when nothing acts there).
    private func pass(_ tap: TapPoint, _ context: TapContext) async -> Passage {
        guard lock.withLock({ gate.isActive(at: tap) }) else { return .go }
        return await withCheckedContinuation { continuation in
            let ticket = Ticket { continuation.resume(returning: $0) }
            let (step, held): (TapGate<Ticket>.Step, Bool) = lock.withLock {
                let before = gate.heldCount
                let step = gate.admit(ticket, at: tap) { context }
                return (step, gate.heldCount > before)
            }
            switch step {
            case .deliver(let ticket, _): ticket.resume(.go)
            case .deliverLater(let ticket, let delay): _ = scheduler.schedule(after: delay) { ticket.resume(.go) }
            case .end: ticket.resume(.drop)
            case .fail(let ticket, let failure): ticket.resume(.fail(failure))
            case .none: if !held { ticket.resume(.drop) }  // dropped; a held one waits for its release
            }
        }
    }

    /// A fault's HTTP error as a Matrix error response.
    static func response(_ failure: HTTPFailure) -> MatrixResponse {
        var body: [String: JSONValue] = ["errcode": .string(failure.errcode), "error": .string("sfusim scenario: \(failure)")]
        if let retry = failure.retryAfter {
            body["retry_after_ms"] = .number(retry.milliseconds.rounded())
        }
        return MatrixResponse(status: Int(failure.status), body: .object(body))
    }

    /// Where clients reach this server (known once it listens).
    func setAddress(httpURL: String, livekitURL: String) {
        lock.withLock {
            baseURL = httpURL
            issuer.livekitURL = livekitURL
        }
    }

    /// `/.well-known/matrix/client`: the homeserver and the JWT service as the call's RTC focus.
    func wellKnown() -> JSONValue {
        let base = lock.withLock { baseURL }
        return [
            "m.homeserver": ["base_url": .string(base)],
            "org.matrix.msc4143.rtc_foci": [["type": "livekit", "livekit_service_url": .string(base)]],
        ]
    }

    /// One client-server API request: answered at once, or (a `/sync` with nothing new) when something arrives
    /// for it or its timeout passes.
    func handle(_ request: MatrixRequest) async -> MatrixResponse {
        await withCheckedContinuation { continuation in
            let now = clock.now()
            var answers: [(CheckedContinuation<MatrixResponse, Never>, MatrixResponse)] = []
            var records: [EventRecord] = []
            var held: (id: Int, timeout: Duration)?
            lock.withLock {
                let before = engine.position
                let outcome = engine.handle(request, now: now, wallMillis: Self.milliseconds(clock.wallNow()))
                records += outcome.records
                switch outcome.result {
                case .respond(let response):
                    answers.append((continuation, response))
                    records.append(Self.record(request, endpoint: outcome.endpoint, user: outcome.user, device: outcome.device, response: response))
                case .hold(let wait):
                    nextWaiter += 1
                    waiters[nextWaiter] = Waiter(wait: wait, continuation: continuation, request: request, user: outcome.user, since: now)
                    held = (nextWaiter, wait.timeout)
                    records.append(EventRecord(kind: "matrix.sync_held", detail: [
                        "user": .string(wait.user), "device": .string(wait.device), "since": .string(wait.sinceToken ?? ""),
                        "timeout_ms": .int(Int64(wait.timeout.milliseconds.rounded())),
                    ]))
                }
                if engine.position != before { wakeWaiters(into: &answers, records: &records, now: now) }
            }
            if let held {
                let timer = scheduler.schedule(after: held.timeout) { [weak self] in self?.timedOut(held.id) }
                let fired = lock.withLock {
                    guard waiters[held.id] != nil else { return true }
                    waiters[held.id]?.timer = timer
                    return false
                }
                if fired { timer.cancel() }
            }
            for record in records { log.append(record) }
            for (waiting, response) in answers { waiting.resume(returning: response) }
        }
    }

    /// `POST /sfu/get` and `POST /get_token`.
    func authorize(_ endpoint: RTCAuthorization.Endpoint, body: [UInt8]) -> MatrixResponse {
        let now = clock.now()
        let wall = clock.wallNow()
        let response: MatrixResponse = lock.withLock {
            let engine = self.engine
            return RTCAuthorization.answer(endpoint, body: body, issuer: issuer, now: wall) { token, server in
                server == engine.configuration.serverName ? engine.openIDUser(token: token, now: now) : nil
            }
        }
        log.append(EventRecord(kind: "matrix.request", detail: [
            "endpoint": .string(endpoint.rawValue), "method": "POST", "status": .int(Int64(response.status)),
            "errcode": .string(response.errorCode ?? ""),
        ]))
        return response
    }

    /// The held syncs that now have something to say (lock held).
    private func wakeWaiters(into answers: inout [(CheckedContinuation<MatrixResponse, Never>, MatrixResponse)], records: inout [EventRecord],
                             now: SimInstant) {
        for (id, waiter) in waiters.sorted(by: { $0.key < $1.key }) {
            guard let response = engine.pollSync(waiter.wait) else { continue }
            waiters[id] = nil
            waiter.timer?.cancel()
            answers.append((waiter.continuation, response))
            records.append(Self.record(waiter.request, endpoint: "sync", user: waiter.user, device: waiter.wait.device, response: response,
                                       held: now - waiter.since))
        }
    }

    private func timedOut(_ id: Int) {
        let now = clock.now()
        let answered: (Waiter, MatrixResponse)? = lock.withLock {
            guard let waiter = waiters.removeValue(forKey: id) else { return nil }
            return (waiter, engine.finishSync(waiter.wait))
        }
        guard let (waiter, response) = answered else { return }
        log.append(Self.record(waiter.request, endpoint: "sync", user: waiter.user, device: waiter.wait.device, response: response,
                               held: now - waiter.since))
        waiter.continuation.resume(returning: response)
    }

    /// Answers every held sync now and drops every held request (the server is stopping).
    func releaseAll() {
        let (held, tickets): ([(Waiter, MatrixResponse)], [Ticket]) = lock.withLock {
            defer { waiters = [:] }
            gate.attach(nil)
            return (waiters.values.map { ($0, engine.finishSync($0.wait)) }, gate.releaseAll())
        }
        for ticket in tickets { ticket.resume(.drop) }
        for (waiter, response) in held {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: response)
        }
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    /// `matrix.request`: endpoint class, method, status, who, and for a sync its tokens and what it carried.
    static func record(_ request: MatrixRequest, endpoint: String, user: String?, device: String?, response: MatrixResponse,
                       held: Duration? = nil) -> EventRecord {
        var detail: [String: EventValue] = [
            "endpoint": .string(endpoint), "method": .string(request.method), "status": .int(Int64(response.status)),
        ]
        if let user { detail["user"] = .string(user) }
        if let device { detail["device"] = .string(device) }
        if let code = response.errorCode { detail["errcode"] = .string(code) }
        if endpoint == "sync" {
            detail["since"] = .string(request.query["since"] ?? "")
            detail["timeout"] = .string(request.query["timeout"] ?? "")
            if let next = response.body["next_batch"]?.string { detail["next_batch"] = .string(next) }
            if let events = response.body["to_device"]?["events"]?.array { detail["to_device"] = .int(Int64(events.count)) }
            if let held { detail["held_ms"] = .int(Int64(held.milliseconds.rounded())) }
        }
        return EventRecord(kind: "matrix.request", detail: detail)
    }
}
