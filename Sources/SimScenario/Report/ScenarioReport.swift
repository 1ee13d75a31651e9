/// An expectation's outcome.
public enum ExpectationStatus: String, Sendable, Equatable, Codable {
    /// Holds.
    case passed
    /// Broken.
    case failed
    /// Cannot be decided yet (a mid-run report); a final report has none.
    case pending
}

/// An event cited as evidence.
public struct EventReference: Sendable, Equatable, Codable {
    /// Its sequence number.
    public var seq: UInt64
    /// Its time (ms since the server started).
    public var tMs: Double
    /// Its kind.
    public var kind: String

    /// A reference.
    public init(seq: UInt64, tMs: Double, kind: String) {
        self.seq = seq
        self.tMs = tMs
        self.kind = kind
    }

    private enum CodingKeys: String, CodingKey { case seq, tMs = "t_ms", kind }
}

/// One expectation's result.
public struct ExpectationResult: Sendable, Equatable, Codable {
    /// The expectation's name.
    public var name: String
    /// Passed, failed or pending.
    public var status: ExpectationStatus
    /// Why, in a sentence.
    public var reason: String
    /// Where the expectation is written (`file:line:column`), if known.
    public var location: String?
    /// The events involved (the anchor, the match, the offender).
    public var events: [EventReference]

    /// A result.
    public init(name: String, status: ExpectationStatus, reason: String, location: String? = nil, events: [EventReference] = []) {
        self.name = name
        self.status = status
        self.reason = reason
        self.location = location
        self.events = events
    }
}

/// Expectations evaluated over an event log: what `GET /_sim/report` returns and `sfusim run` prints at the end.
public struct ScenarioReport: Sendable, Equatable, Codable {
    /// The scenario's name.
    public var scenario: String
    /// The seed the run used.
    public var seed: UInt64
    /// Whether the run is over (no pending results).
    public var final: Bool
    /// Failed if any result failed, else pending if any is pending, else passed.
    public var status: ExpectationStatus
    /// Results, in file order.
    public var results: [ExpectationResult]
    /// How many `fault.applied` events the log holds.
    public var faultsApplied: Int
    /// Scenario time covered by the log, in ms.
    public var durationMs: Double

    /// A report; `status` is derived from `results`.
    public init(scenario: String, seed: UInt64, final: Bool, results: [ExpectationResult], faultsApplied: Int, durationMs: Double) {
        self.scenario = scenario
        self.seed = seed
        self.final = final
        self.results = results
        self.faultsApplied = faultsApplied
        self.durationMs = durationMs
        if results.contains(where: { $0.status == .failed }) {
            status = .failed
        } else if results.contains(where: { $0.status == .pending }) {
            status = .pending
        } else {
            status = .passed
        }
    }

    /// Whether nothing failed.
    public var passed: Bool { status != .failed }

    /// Results with `status`.
    public func count(_ status: ExpectationStatus) -> Int { results.filter { $0.status == status }.count }

    private enum CodingKeys: String, CodingKey {
        case scenario, seed, final, status, results, faultsApplied = "faults_applied", durationMs = "duration_ms"
    }
}
