import Foundation
import Hummingbird
import NIOCore
import SimAgent
import SimCore
import SimScenario
import SimSignal

/// The admin API (`/_sim/…`): state, the event log, one-off faults, and scenarios.
extension SimServerApp {
    /// `GET /_sim/state`, `POST /_sim/faults`, `GET /_sim/events`.
    static func addAdminRoutes(to router: Router<HTTPRequestContext>, hub: SignalHub, agents: AgentHub? = nil) {
        router.get("/_sim/state") { _, _ in
            var snapshot = hub.inspect { AdminSnapshot(rooms: $0.rooms, connections: 0) }.with(connections: hub.connectionCount)
            snapshot.retained = hub.inspect(\.retainedCounts)
            snapshot.agents = agents?.inspect(AdminSnapshot.AgentsEntry.init)
            return json(snapshot)
        }
        router.post("/_sim/faults") { request, _ in
            let body = try await request.body.collect(upTo: 64 * 1024)
            switch OneOffFault.decode(Array(body.readableBytesView)) {
            case .failure(let problem):
                return text(400, problem.message)
            case .success(let fault):
                switch fault {
                case .closeSignal(let room, let identity, let code, let reason):
                    guard hub.closeSignal(room: room, identity: identity, code: code, reason: reason) else {
                        return text(404, "no participant \(identity) with an open signal connection in room \(room)")
                    }
                    return text(200, "applied")
                }
            }
        }
        router.get("/_sim/events") { request, _ in
            let since = request.uri.queryParameters["since"].flatMap { UInt64($0) } ?? 0
            let limit = request.uri.queryParameters["limit"].flatMap { Int($0) } ?? 10_000
            return json(EventsPage(events: hub.log.events(since: since, limit: limit), lastSeq: hub.log.lastSeq))
        }
    }
}

extension SimServerApp {
    /// The scenario in a request body (YAML, or JSON when it starts with `{`), or what is wrong with it.
    static func scenario(in request: Request) async throws -> Result<Scenario, ScenarioLoadFailure> {
        let body = try await request.body.collect(upTo: 1024 * 1024)
        let source = String(decoding: body.readableBytesView, as: UTF8.self)
        let isJSON = source.drop { $0.isWhitespace }.first == "{"
        do throws(ScenarioLoadFailure) {
            return .success(try ScenarioLoader.load(source, file: "request", format: isJSON ? .json : .yaml))
        } catch {
            return .failure(error)
        }
    }

    /// `POST /_sim/scenario` (YAML or JSON body: load and start server-wide), `POST /_sim/scenarios` (register one for
    /// selection by connections), `GET /_sim/report[?room=R]`, `GET /_sim/reports` (every scope), `POST /_sim/reset`.
    static func addScenarioRoutes(to router: Router<HTTPRequestContext>, scenarios: ScenarioService, hub: SignalHub) {
        router.post("/_sim/scenario") { request, _ in
            switch try await scenario(in: request) {
            case .failure(let error): return text(400, error.errors.map(\.description).joined(separator: "\n"))
            case .success(let scenario):
                scenarios.load(scenario, seed: scenario.seed == 0 ? nil : scenario.seed)
                return text(200, "started \(scenario.name)")
            }
        }
        router.post("/_sim/scenarios") { request, _ in
            switch try await scenario(in: request) {
            case .failure(let error): return text(400, error.errors.map(\.description).joined(separator: "\n"))
            case .success(let scenario):
                scenarios.register(scenario)
                return text(201, "registered \(scenario.name): connections select it with \(scenarioQueryParameter)=\(scenario.name) or the \(scenarioAttribute) token attribute")
            }
        }
        router.get("/_sim/report") { request, _ in
            let scope = request.uri.queryParameters["room"].map { ScenarioScope.room(RoomName(String($0))) } ?? .server
            guard let report = scenarios.report(for: scope, final: false) else { return text(404, "no scenario is running for the \(scope)") }
            return json(report)
        }
        router.get("/_sim/reports") { _, _ in
            let reports = scenarios.scopes.sorted { $0.description < $1.description }.compactMap { scope in
                scenarios.report(for: scope, final: false).map { ScopedReport(scope: scope.description, report: $0) }
            }
            return json(reports)
        }
        router.post("/_sim/reset") { _, _ in
            scenarios.reset()
            return text(200, "reset")
        }
    }
}

/// One entry of `GET /_sim/reports`.
struct ScopedReport: Encodable {
    var scope: String
    var report: ScenarioReport
}

/// `GET /_sim/events` body.
struct EventsPage: Encodable {
    var events: [SimEvent]
    var lastSeq: UInt64

    enum CodingKeys: String, CodingKey {
        case events, lastSeq = "last_seq"
    }
}

extension AdminSnapshot {
    func with(connections: Int) -> AdminSnapshot {
        var copy = self
        copy.connections = connections
        return copy
    }
}
