import Foundation
import SimAuth
import SimCore
import SimMatrix

/// The shell of the embedded homeserver and the JWT service: one lock around the engine, the long-poll `/sync`
/// requests it holds (each with its timeout timer), and the event log. Answers and log records are handed out after
/// the lock is released.
final class MatrixService: @unchecked Sendable {
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
                        "timeout_ms": .int(Int64(wait.timeout.components.seconds * 1000 + wait.timeout.components.attoseconds / 1_000_000_000_000_000)),
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

    /// Answers every held sync now (the server is stopping).
    func releaseAll() {
        let held: [(Waiter, MatrixResponse)] = lock.withLock {
            defer { waiters = [:] }
            return waiters.values.map { ($0, engine.finishSync($0.wait)) }
        }
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
            if let held { detail["held_ms"] = .int(Int64(held.components.seconds * 1000 + held.components.attoseconds / 1_000_000_000_000_000)) }
        }
        return EventRecord(kind: "matrix.request", detail: detail)
    }
}
