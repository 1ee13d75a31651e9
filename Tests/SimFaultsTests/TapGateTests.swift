import SimCore
import SimFaults
import SimTestKit
import Testing

@Suite struct TapGateTests {
    let context = TapContext(tap: .signalOut, kind: "update", connection: ConnectionID(7))

    @Test func withoutAnInterceptorEverythingPassesAndNoContextIsBuilt() {
        var gate = TapGate<String>()
        var built = 0
        let step = gate.admit("m", at: .signalOut) {
            built += 1
            return context
        }
        guard case .deliver("m", times: 1) = step else { Issue.record("\(step)"); return }
        #expect(built == 0 && gate.dropped == 0)
    }

    @Test func eachOutcomeBecomesOneStep() {
        var outcome = TapOutcome.pass
        let interceptor = RuleInterceptor(taps: [.signalOut]) { _ in outcome }
        var gate = TapGate<String>()
        gate.attach(interceptor)
        func admit(_ next: TapOutcome, _ message: String = "m") -> TapGate<String>.Step {
            outcome = next
            return gate.admit(message, at: .signalOut) { context }
        }
        guard case .deliver("m", times: 1) = admit(.pass) else { Issue.record("pass"); return }
        guard case .none = admit(.drop) else { Issue.record("drop"); return }
        guard case .deliverLater("m", after: .milliseconds(250)) = admit(.delay(.milliseconds(250))) else { Issue.record("delay"); return }
        guard case .deliver("m", times: 3) = admit(.duplicate(copies: 2)) else { Issue.record("duplicate"); return }
        guard case .end(.close(code: 1011, reason: "x")) = admit(.close(code: 1011, reason: "x")) else { Issue.record("close"); return }
        guard case .end(.abort) = admit(.abort) else { Issue.record("abort"); return }
        guard case .none = admit(.hold(id: 41), "held-41") else { Issue.record("hold"); return }
        guard case .none = admit(.hold(id: 42), "held-42") else { Issue.record("hold"); return }
        #expect(gate.dropped == 1 && gate.delayed == 1 && gate.heldCount == 2)
        #expect(gate.release(42) == "held-42" && gate.release(42) == nil && gate.release(7) == nil)
        #expect(gate.release(41) == "held-41" && gate.heldCount == 0)
        // Taps the interceptor does not act at are not asked about.
        #expect(interceptor.seen.count == 8)
        guard case .deliver = gate.admit("m", at: .signalIn, context: { context }) else { Issue.record("other tap"); return }
        #expect(interceptor.seen.count == 8)
    }

    @Test func releaseAllHandsBackEveryHeldMessageInTheOrderHeld() {
        var next: UInt64 = 10
        let interceptor = RuleInterceptor(taps: [.signalOut]) { _ in
            next -= 1
            return .hold(id: next)  // ids count down: the order held is not the ids' order
        }
        var gate = TapGate<String>()
        gate.attach(interceptor)
        for message in ["a", "b", "c"] { _ = gate.admit(message, at: .signalOut) { context } }
        #expect(gate.heldCount == 3)
        #expect(Set(gate.releaseAll()) == ["a", "b", "c"])
        #expect(gate.heldCount == 0 && gate.releaseAll().isEmpty)
    }

    @Test func packetsOnlyDropOrDelayAndEverythingElsePasses() {
        var outcome = TapOutcome.pass
        let interceptor = RuleInterceptor(taps: [.mediaRTP]) { _ in outcome }
        var gate = TapGate<Void>(.packets)
        gate.attach(interceptor)
        let packet = TapContext(tap: .mediaRTP, kind: "rtp")
        for passing in [TapOutcome.duplicate(copies: 3), .hold(id: 1), .close(code: 1000, reason: ""), .abort] {
            outcome = passing
            guard case .deliver(_, times: 1) = gate.admit((), at: .mediaRTP, context: { packet }) else { Issue.record("\(passing)"); return }
        }
        outcome = .drop
        guard case .none = gate.admit((), at: .mediaRTP, context: { packet }) else { Issue.record("drop"); return }
        #expect(gate.heldCount == 0 && gate.dropped == 1)
    }

    @Test func theInterceptorIsHeldWeakly() {
        var gate = TapGate<Int>()
        do {
            let interceptor = RuleInterceptor(taps: [.signalIn]) { _ in .drop }
            gate.attach(interceptor)
            #expect(gate.isActive(at: .signalIn))
        }
        #expect(!gate.isActive(at: .signalIn))
    }
}

@Suite struct FaultWindowTests {
    @Test func countAndDurationBothEndTheWindowAndExpiryIsRemembered() {
        var counted = FaultWindow(start: at(0), limits: FaultLimits(count: 2))
        #expect(counted.isOpen(at: at(0)) && counted.nextDeadline == nil)
        counted.consume()
        counted.consume()
        #expect(!counted.isOpen(at: at(0)) && counted.isFinished)

        var timed = FaultWindow(start: at(100), limits: FaultLimits(during: .seconds(1)))
        #expect(timed.nextDeadline == at(1100) && timed.isOpen(at: at(1099)) && !timed.isOpen(at: at(1100)))
        timed.advance(to: at(1099))
        #expect(!timed.isFinished)
        timed.advance(to: at(1100))
        #expect(timed.isFinished && timed.nextDeadline == nil && !timed.isOpen(at: at(0)))
    }
}
