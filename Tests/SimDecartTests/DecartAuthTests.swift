import SimCore
import Testing
@testable import SimDecart

/// Connect-time checks (reference §1): an in-band `error` the SDK can read, then a close.
@Suite struct DecartAuthTests {
    static var configuration: DecartConfiguration {
        var configuration = DecartConfiguration()
        configuration.apiKeys = ["good+key/=="]
        return configuration
    }

    @Test func invalidAPIKeyGetsErrorThenClose() {
        var h = DecartHarness(configuration: Self.configuration)
        let open = h.open(1, query: "api_key=wrong&model=lucy-2.1")
        #expect(open.types(to: 1) == ["error"])
        #expect(open.errors(to: 1).first?.lowercased().contains("invalid api key") == true)
        #expect(open.closes.map(\.1) == [.policyViolation])
        let errorIndex = open.firstIndex { if case .send = $0 { true } else { false } } ?? Int.max
        let closeIndex = open.firstIndex { if case .close = $0 { true } else { false } } ?? -1
        #expect(errorIndex < closeIndex)
        #expect(open.records("decart.session.rejected").first?.detail["reason"] == "invalid_api_key")
        // No session exists: later frames are ignored.
        #expect(h.text(1, #"{"type":"livekit_join"}"#).isEmpty)
        #expect(h.machine.connections.isEmpty)
    }

    @Test func rawIOSKeyIsAccepted() {
        var h = DecartHarness(configuration: Self.configuration)
        #expect(h.open(1, query: "api_key=good+key/==&model=lucy-2.1").closes.isEmpty)
        #expect(h.machine.connections == [ConnectionID(1)])
    }

    @Test func missingKeyInDevModeIsRejected() {
        var h = DecartHarness()
        let open = h.open(1, query: "model=lucy-2.1")
        #expect(open.errors(to: 1).first?.contains("invalid api key") == true)
        #expect(!open.closes.isEmpty)
    }

    @Test func devModeAcceptsAnyKey() {
        var h = DecartHarness()
        #expect(h.open(1, query: "api_key=whatever&model=lucy-2.1").closes.isEmpty)
    }

    @Test func rejectionCloseCodeIsARule() {
        var h = DecartHarness(configuration: Self.configuration)
        var rules = DecartRules()
        rules.connectRejectionCloseCode = .normal
        #expect(h.open(1, query: "api_key=bad&model=m", rules: rules).closes.map(\.1) == [.normal])
    }

    @Test func invalidModelIsNotPermanent() {
        var h = DecartHarness()
        let open = h.open(1, query: "api_key=k")
        #expect(open.errors(to: 1).first?.contains("invalid model") == true)
        #expect(open.errors(to: 1).first?.contains("invalid api key") == false)
    }

    @Test func sessionIDsAreDeterministicPerSeed() {
        var a = DecartHarness(seed: 3)
        var b = DecartHarness(seed: 3)
        var c = DecartHarness(seed: 4)
        a.open(1); b.open(1); c.open(1)
        #expect(a.machine.sessionID(of: ConnectionID(1)) == b.machine.sessionID(of: ConnectionID(1)))
        #expect(a.machine.sessionID(of: ConnectionID(1)) != c.machine.sessionID(of: ConnectionID(1)))
        #expect(a.machine.sessionID(of: ConnectionID(1))?.rawValue.hasPrefix("sess_") == true)
    }
}
