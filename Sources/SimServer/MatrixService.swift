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
        /// Write the upstream homeserver's answer as it came.
        case forwarded(UpstreamHTTP.Response)
        /// Write this answer's headers and half its body, then close the connection.
        case truncated(status: Int, contentType: String, body: [UInt8])
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
    /// The real homeserver this one stands in front of (`--matrix-upstream`), if any: requests go there after the
    /// taps instead of to the embedded engine.
    private let upstream: UpstreamHTTP?
    /// Upstream access tokens → their users and devices (asked once).
    private var upstreamUsers: [String: (user: String?, device: String?)] = [:]
    /// The timer for the next MSC4140 delayed event, and the deadline it is armed for.
    private var delayedTimer: (handle: any TimerHandle, at: SimInstant)?
    private var nextWaiter = 0
    private var issuer: RTCAuthorization.Issuer
    private var baseURL = ""
    let clock: any SimClock
    private let scheduler: any TimerScheduler
    private let log: EventLog

    init(configuration: MatrixConfiguration, seed: UInt64, apiKey: APIKey, secret: String, clock: any SimClock,
         scheduler: any TimerScheduler, log: EventLog, upstream: UpstreamHTTP? = nil) {
        self.upstream = upstream
        engine = MatrixHomeserver(configuration: configuration, seed: seed)
        issuer = RTCAuthorization.Issuer(livekitURL: "", apiKey: apiKey, secret: secret, hashForm: configuration.rtcHashForm)
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

    /// A client-server API request through `http.in`, the homeserver (or the upstream one) and `http.out`.
    func serve(_ request: MatrixRequest) async -> Answer {
        await untilShutdown {
            guard let upstream = self.upstream else {
                let caller = self.lock.withLock { self.engine.caller(of: request) }
                return await self.throughTaps(caller.endpoint, user: caller.user, device: caller.device) { .respond(await self.handle(request)) }
            }
            let endpoint = MatrixHomeserver.endpoint(of: request)
            let (user, device) = await self.upstreamUser(of: request, at: upstream)
            return await self.throughTaps(endpoint, user: user, device: device) {
                await self.forward(request, to: upstream, endpoint: endpoint, user: user)
            }
        }
    }

    /// Runs one request's work; if the server starts shutting down meanwhile, everything held is let go (held
    /// requests dropped, held syncs answered), so no request keeps it from stopping.
    private func untilShutdown(_ work: @escaping @Sendable () async -> Answer) async -> Answer {
        await withGracefulShutdownHandler {
            await work()
        } onGracefulShutdown: { [weak self] in
            self?.releaseAll()
        }
    }

    /// `http.in`, then `work` (the homeserver, or the upstream one), then `http.out`.
    private func throughTaps(_ endpoint: String, user: String?, device: String? = nil, _ work: () async -> Answer) async -> Answer {
        let identity = user.map(Identity.init)
        switch await pass(.httpIn, TapContext(tap: .httpIn, kind: endpoint, identity: identity, direction: .inbound, device: device)) {
        case .drop: return .drop
        case .fail(let failure): return .respond(Self.response(failure))
        case .go: break
        }
        let answer = await work()
        switch await pass(.httpOut, TapContext(tap: .httpOut, kind: endpoint, identity: identity, direction: .outbound, device: device)) {
        case .drop: return .drop
        case .fail(let failure) where failure.truncated: return Self.truncate(answer)
        case .fail(let failure): return .respond(Self.response(failure))
        case .go: return answer
        }
    }

    // MARK: The fault proxy (`--matrix-upstream`)

    /// Forwards a request to the upstream homeserver unchanged (its access token in the header, unless the query
    /// carries it) and logs it like one of ours.
    private func forward(_ request: MatrixRequest, to upstream: UpstreamHTTP, endpoint: String, user: String?) async -> Answer {
        var headers: [(String, String)] = [("Content-Type", "application/json"), ("Accept", "application/json")]
        if let token = request.accessToken, request.query["access_token"] == nil { headers.append(("Authorization", "Bearer \(token)")) }
        let started = clock.now()
        let answer: Answer
        let status: Int
        var extra: [String: EventValue] = ["upstream": true]
        do {
            let response = try await upstream.send(method: request.method, target: request.target, headers: headers, body: request.body)
            (answer, status) = (.forwarded(response), response.status)
        } catch {
            extra["error"] = .string("\(error)")
            (answer, status) = (.respond(.error(502, "M_UNKNOWN", "upstream homeserver: \(error)")), 502)
        }
        extra["upstream_ms"] = .int(Int64((clock.now() - started).milliseconds.rounded()))
        // A call membership stored upstream is a trigger like one stored here.
        if case .forwarded(let response) = answer, response.status == 200,
           let record = MatrixHomeserver.callMemberRecord(storedBy: request, sender: user ?? "") {
            log.append(record)
        }
        log.append(Self.record(request, endpoint: endpoint, user: user, device: nil, status: status, body: nil, extra: extra))
        return answer
    }

    /// The user and device an upstream access token belongs to (asked once with `whoami`, then remembered), for
    /// the taps' `identity` and `device`.
    private func upstreamUser(of request: MatrixRequest, at upstream: UpstreamHTTP) async -> (user: String?, device: String?) {
        guard let token = request.accessToken, !token.isEmpty else { return (nil, nil) }
        if let known = lock.withLock({ upstreamUsers[token] }) { return known }
        guard let response = try? await upstream.send(method: "GET", target: "/_matrix/client/v3/account/whoami",
                                                      headers: [("Authorization", "Bearer \(token)")], body: []),
              response.status == 200, let answer = JSONValue.parseObject(response.body), let user = answer["user_id"]?.string else {
            return (nil, nil)
        }
        let known = (user: Optional(user), device: answer["device_id"]?.string)
        lock.withLock { upstreamUsers[token] = known }
        return known
    }

    /// The owner of an OpenID token the upstream homeserver issued (its federation `openid/userinfo`).
    private func upstreamOpenIDUser(token: String, at upstream: UpstreamHTTP) async -> String? {
        let query = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        guard let response = try? await upstream.send(method: "GET", target: "/_matrix/federation/v1/openid/userinfo?access_token=\(query)",
                                                      headers: [], body: []),
              response.status == 200 else { return nil }
        return JSONValue.parseObject(response.body)?["sub"]?.string
    }

    /// `POST /sfu/get` and `POST /get_token` through the taps.
    func serveAuthorization(_ endpoint: RTCAuthorization.Endpoint, body: [UInt8]) async -> Answer {
        await untilShutdown { await self.authorizeThroughTaps(endpoint, body: body) }
    }

    private func authorizeThroughTaps(_ endpoint: RTCAuthorization.Endpoint, body: [UInt8]) async -> Answer {
        await throughTaps(endpoint.rawValue, user: nil) {
            // Behind the proxy, the OpenID token is the upstream homeserver's: asked there first.
            var upstreamOwner: (token: String, user: String)?
            if let upstream, let token = JSONValue.parseObject(body)?["openid_token"]?["access_token"]?.string,
               let user = await upstreamOpenIDUser(token: token, at: upstream) {
                upstreamOwner = (token, user)
            }
            return .respond(authorize(endpoint, body: body, upstreamOwner: upstreamOwner))
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

    /// The answer cut short (its headers, half its body).
    static func truncate(_ answer: Answer) -> Answer {
        switch answer {
        case .respond(let response): .truncated(status: response.status, contentType: "application/json", body: response.encodedBody)
        case .forwarded(let response): .truncated(status: response.status, contentType: response.contentType, body: response.body)
        case .drop, .truncated: answer
        }
    }

    /// A fault's HTTP error as a Matrix error response.
    static func response(_ failure: HTTPFailure) -> MatrixResponse {
        .error(Int(failure.status), failure.errcode, "sfusim scenario: \(failure)",
               failure.retryAfter.map { ["retry_after_ms": .number($0.milliseconds.rounded())] } ?? [:])
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
                armDelayedTimer(now: now)
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
    func authorize(_ endpoint: RTCAuthorization.Endpoint, body: [UInt8], upstreamOwner: (token: String, user: String)? = nil) -> MatrixResponse {
        let now = clock.now()
        let wall = clock.wallNow()
        let response: MatrixResponse = lock.withLock {
            let engine = self.engine
            return RTCAuthorization.answer(endpoint, body: body, issuer: issuer, now: wall) { token, server in
                if let upstreamOwner { return upstreamOwner.token == token ? upstreamOwner.user : nil }
                return server == engine.configuration.serverName ? engine.openIDUser(token: token, now: now) : nil
            }
        }
        log.append(Self.record(MatrixRequest(method: "POST", segments: []), endpoint: endpoint.rawValue, user: nil, device: nil, response: response))
        return response
    }

    /// Keeps one timer at the next delayed event's deadline (lock held).
    private func armDelayedTimer(now: SimInstant) {
        let next = engine.nextDelayedDeadline
        guard next != delayedTimer?.at else { return }
        delayedTimer?.handle.cancel()
        delayedTimer = nil
        guard let next else { return }
        let handle = scheduler.schedule(after: next > now ? next - now : .zero) { [weak self] in self?.delayedEventsDue() }
        delayedTimer = (handle, next)
    }

    /// Sends the delayed events that are due and answers the syncs waiting for them.
    private func delayedEventsDue() {
        let now = clock.now()
        var answers: [(CheckedContinuation<MatrixResponse, Never>, MatrixResponse)] = []
        var records: [EventRecord] = []
        lock.withLock {
            delayedTimer = nil
            let before = engine.position
            records = engine.sendDueDelayedEvents(now: now, wallMillis: Self.milliseconds(clock.wallNow()))
            if engine.position != before { wakeWaiters(into: &answers, records: &records, now: now) }
            armDelayedTimer(now: now)
        }
        for record in records { log.append(record) }
        for (waiting, response) in answers { waiting.resume(returning: response) }
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
            delayedTimer?.handle.cancel()
            delayedTimer = nil
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

    /// `matrix.request`: endpoint class, method, status, who, and for a sync its tokens and what it carried (the
    /// body, when it is ours to read).
    static func record(_ request: MatrixRequest, endpoint: String, user: String?, device: String?, status: Int, body: JSONValue?,
                       held: Duration? = nil, extra: [String: EventValue] = [:]) -> EventRecord {
        var detail = extra
        detail["endpoint"] = .string(endpoint)
        detail["method"] = .string(request.method)
        detail["status"] = .int(Int64(status))
        if let user { detail["user"] = .string(user) }
        if let device { detail["device"] = .string(device) }
        if status >= 400, let code = body?["errcode"]?.string { detail["errcode"] = .string(code) }
        if endpoint == "sync" {
            detail["since"] = .string(request.query["since"] ?? "")
            detail["timeout"] = .string(request.query["timeout"] ?? "")
            if let next = body?["next_batch"]?.string { detail["next_batch"] = .string(next) }
            if let events = body?["to_device"]?["events"]?.array { detail["to_device"] = .int(Int64(events.count)) }
            if let held { detail["held_ms"] = .int(Int64(held.milliseconds.rounded())) }
        }
        return EventRecord(kind: "matrix.request", detail: detail)
    }

    static func record(_ request: MatrixRequest, endpoint: String, user: String?, device: String?, response: MatrixResponse,
                       held: Duration? = nil) -> EventRecord {
        record(request, endpoint: endpoint, user: user, device: device, status: response.status, body: response.body, held: held)
    }
}
