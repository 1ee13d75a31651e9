import SimFaults
import SimScenario
import Testing

@Suite struct BuiltInScenariosTests {
    /// The product's race catalogue rows this build ships.
    static let catalogue = [
        "ag-dispatch-late", "ag-job-not-accepted", "ag-room-closed-under-agent", "ag-worker-drop",
        "dc-ack-before-room-info", "dc-close-during-connect", "dc-early-room-info", "dc-error-after-handshake",
        "dc-initial-state-dropped", "dc-initial-state-rejected", "dc-queue-wait", "dc-retry-orphan-ack",
        "lk-data-before-participant", "lk-rejoin-new-sid", "lk-rejoin-wrong-order", "lk-resume-fails", "lk-rpc-ack-lost",
        "lk-rpc-response-late", "lk-signal-flap", "lk-slow-track-published", "lk-stream-chunk-reorder", "lk-track-before-metadata",
        "mx-jwt-unavailable", "mx-slow-key-delivery", "mx-sync-abort-flap", "mx-sync-stall",
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

@Suite struct ScenarioRegistryTests {
    @Test func aRegisteredScenarioWinsOverTheBuiltInOfItsNameAndUnknownNamesAreNil() throws {
        var registry = ScenarioRegistry()
        let missing = registry.named("no-such-scenario")
        #expect(missing == nil)
        let builtIn = try #require(registry.named("lk-signal-flap") as Scenario?)
        #expect(builtIn.name == "lk-signal-flap" && !builtIn.timeline.isEmpty)
        let replacement = try ScenarioLoader.load("name: lk-signal-flap\nseed: 99\n", file: "mine.yaml")
        registry.register(replacement)
        let replaced = registry.named("lk-signal-flap")
        #expect(replaced?.seed == 99)
        let custom = try ScenarioLoader.load("name: mine\n", file: "mine.yaml")
        registry.register(custom)
        let named = registry.named("mine")
        #expect(named?.name == "mine")
    }
}
