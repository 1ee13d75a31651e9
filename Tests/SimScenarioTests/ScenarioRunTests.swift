import SimCore
import SimTestKit
import SimFaults
import Testing
@testable import SimScenario

/// Whole runs: a fixture scenario, the engine in a fake shell, a fake target, and the expectations at the end.
@Suite struct ScenarioRunTests {
    func decartRun(_ scenario: Scenario, honourPolicies: Bool = true, seed: UInt64? = nil) -> FakeShell {
        let shell = FakeShell(scenario: scenario, seed: seed)
        let server = FakeDecartServer()
        shell.onCommand = { _, command in if honourPolicies { server.handle(command) } }
        shell.onEvent = { shell, event in server.observed(shell, event) }
        shell.start()
        shell.advance(ms: 50)
        shell.send(TapContext(tap: .controlIn, kind: "livekit_join", connection: ConnectionID(1)))
        server.joined(shell, connection: ConnectionID(1))
        shell.advance(ms: 5000)
        shell.finish()
        return shell
    }

    @Test func ackBeforeRoomInfoReproducesTheRaceAndMeetsItsExpectations() throws {
        let scenario = try ScenarioLoader.load(try fixture("dc-ack-before-room-info.yaml"), file: "dc-ack-before-room-info.yaml")
        let shell = decartRun(scenario)
        let kinds = shell.log.map(\.record.kind).filter { $0.hasPrefix("control.") }
        #expect(kinds == ["control.in.livekit_join", "control.out.set_image_ack", "control.out.livekit_room_info"])
        let join = try #require(shell.log.first { $0.record.kind == "control.in.livekit_join" })
        let info = try #require(shell.log.first { $0.record.kind == "control.out.livekit_room_info" })
        #expect(info.tMs - join.tMs >= 700 && info.tMs - join.tMs <= 900)
        let report = shell.report()
        #expect(report.results.map(\.status) == [.passed, .passed, .passed, .passed], "\(report.results)")
        #expect(report.status == .passed)
        #expect(report.faultsApplied == 2)
        #expect(shell.log.last?.record.kind == "scenario.finished")
    }

    @Test func aServerIgnoringThePolicyFailsTheOrderingExpectation() throws {
        let scenario = try ScenarioLoader.load(try fixture("dc-ack-before-room-info.yaml"), file: "dc-ack-before-room-info.yaml")
        let report = decartRun(scenario, honourPolicies: false).report()
        #expect(report.results.map(\.status) == [.failed, .passed, .passed, .passed])
        #expect(report.results[0].reason.hasPrefix("control.out.livekit_room_info (seq"))
        #expect(report.junitXML().contains(#"failures="1""#))
    }

    @Test func theSeedReplaysTheSameRun() throws {
        let scenario = try ScenarioLoader.load(try fixture("dc-ack-before-room-info.yaml"), file: "f.yaml")
        func roomInfoTime(_ seed: UInt64?) -> Double? {
            decartRun(scenario, seed: seed).log.first { $0.record.kind == "control.out.livekit_room_info" }?.tMs
        }
        #expect(roomInfoTime(nil) == roomInfoTime(nil))
        #expect(roomInfoTime(nil) == roomInfoTime(3))
        let times = Set((100..<110).compactMap { roomInfoTime($0) })
        #expect(times.count > 5)
        #expect(times.allSatisfy { (750...950).contains($0) })
    }

    @Test func errorAfterHandshakeRunsTheEndingCommand() throws {
        let scenario = try ScenarioLoader.load(try fixture("dc-error-after-handshake.json"), file: "x.json", format: .json)
        let shell = FakeShell(scenario: scenario)
        shell.onCommand = { shell, command in
            guard case .endDecartSession(.connection(let connection), let ending) = command else { return }
            shell.send(TapContext(tap: .controlOut, kind: "error", connection: connection))
            shell.send(TapContext(tap: .controlOut, kind: "generation_ended", connection: connection))
            shell.close(connection, code: ending.closeCode)
        }
        shell.start()
        shell.send(TapContext(tap: .controlIn, kind: "livekit_join", connection: ConnectionID(3)))
        shell.send(TapContext(tap: .controlOut, kind: "livekit_room_info", connection: ConnectionID(3)))
        shell.advance(ms: 300)
        shell.append(EventRecord(kind: "decart.media.published", connection: ConnectionID(3)))
        shell.finish()
        #expect(shell.commands == [.endDecartSession(.connection(ConnectionID(3)), DecartEnding(
            error: "Insufficient credits", reason: .insufficientCredits, seconds: 12, closeCode: CloseCode(1000)))])
        #expect(shell.closed.map(\.code) == [CloseCode(1000)])
        #expect(shell.report().status == .passed)
    }

    @Test func rejoinHoldReleasesAfterTwoSecondsOnTheScenarioClock() throws {
        let scenario = try ScenarioLoader.load(try fixture("lk-rejoin-new-sid.yaml"), file: "f.yaml")
        let shell = FakeShell(scenario: scenario)
        shell.start()
        #expect(shell.commands == [.liveKitPolicy(.rejoinSID(.reissue, identity: nil))])
        shell.append(EventRecord(kind: "participant.joining", identity: "bob"))
        shell.append(EventRecord(kind: "participant.active", identity: "bob"))
        shell.advance(ms: 1000)
        shell.append(EventRecord(kind: "participant.joining", identity: "bob"))
        shell.append(EventRecord(kind: "participant.disconnected", identity: "bob"))
        let update = TapContext(tap: .signalOut, kind: "update", connection: ConnectionID(1), identity: "alice", about: ["bob"])
        shell.send(update)
        #expect(!shell.log.contains { $0.record.kind == "signal.out.update" })
        shell.advance(ms: 1999)
        #expect(!shell.log.contains { $0.record.kind == "signal.out.update" })
        shell.advance(ms: 1)
        let delivered = try #require(shell.log.first { $0.record.kind == "signal.out.update" })
        #expect(delivered.tMs == 3000)
        shell.append(EventRecord(kind: "participant.active", identity: "bob"))
        shell.advance(ms: 8000)
        #expect(shell.commands.last == .close(.signal, .identity("alice"), code: CloseCode(1001), reason: "going away"))
        shell.finish()
        let report = shell.report()
        #expect(report.results.map(\.status) == [.passed, .passed, .passed], "\(report.results)")
    }
}
