import SimFaults
import SimScenario
import Testing

@Suite struct BuiltInScenariosTests {
    /// The product's race catalogue rows this build ships (mx-* arrive with the Matrix issue).
    static let catalogue = [
        "dc-ack-before-room-info", "dc-close-during-connect", "dc-early-room-info", "dc-error-after-handshake",
        "dc-initial-state-dropped", "dc-initial-state-rejected", "dc-queue-wait", "dc-retry-orphan-ack",
        "lk-data-before-participant", "lk-rejoin-new-sid", "lk-rejoin-wrong-order", "lk-resume-fails", "lk-rpc-ack-lost",
        "lk-rpc-response-late", "lk-signal-flap", "lk-slow-track-published", "lk-stream-chunk-reorder", "lk-track-before-metadata",
    ]

    @Test func everyCatalogueRowShipsAndNothingElse() {
        #expect(BuiltInScenarios.names == Self.catalogue)
    }

    @Test(arguments: catalogue)
    func loadsCleanlyNamedAfterItsFileWithASummaryAndSomethingToCheck(name: String) throws {
        let scenario = try #require(try BuiltInScenarios.load(named: name))
        #expect(scenario.name == name)
        #expect(scenario.summary.count > 60)
        #expect(!scenario.expect.isEmpty)
        #expect(!scenario.rules.isEmpty || !scenario.timeline.isEmpty)
    }

    @Test func unknownNamesAreNil() throws {
        #expect(BuiltInScenarios.text(named: "lk-nope") == nil)
        #expect(try BuiltInScenarios.load(named: "lk-nope") == nil)
    }
}
