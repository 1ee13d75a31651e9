import SimCore
import Testing
import SimFaults
import SimTestKit

@Suite struct ReorderFaultTests {
    let update = MessageSelector(tap: .signalOut, kinds: ["update"], about: "bob")
    let offer = MessageSelector(tap: .signalOut, kinds: ["offer"])

    @Test func holdsOneUntilTheNextOfTheOtherKindPassesOnTheSameConnection() {
        let clock = ManualClock()
        var reorder = ReorderFault(held: update, releasedBy: offer, timeout: .seconds(5), start: clock.now())
        let deadline = clock.now() + .seconds(5)
        #expect(reorder.decide(message(1, .signalOut, "update", connection: 1, about: ["bob"]), now: clock.now())
            == .hold(until: .nextMessage(kinds: ["offer"], deadline: deadline)))
        #expect(reorder.nextDeadline == deadline)
        clock.advance(ms: 20)
        // An offer on another connection does not release it.
        #expect(reorder.decide(message(2, .signalOut, "offer", connection: 2), now: clock.now()) == .pass)
        #expect(reorder.decide(message(3, .signalOut, "offer", connection: 1), now: clock.now()) == .passAndRelease([TapMessageID(1)]))
        #expect(reorder.heldMessages == [])
        // One swap per connection by default.
        #expect(reorder.decide(message(4, .signalOut, "update", connection: 1, about: ["bob"]), now: clock.now()) == .pass)
        #expect(reorder.decide(message(5, .signalOut, "update", connection: 2, about: ["bob"]), now: clock.now()) != .pass)
    }

    @Test func sameKindSwapsConsecutiveMessages() {
        var reorder = ReorderFault(held: update, releasedBy: update, start: .zero)
        #expect(reorder.decide(message(1, .signalOut, "update", connection: 1, about: ["bob"]), now: .zero) != .pass)
        #expect(reorder.decide(message(2, .signalOut, "update", connection: 1, about: ["bob"]), now: .zero) == .passAndRelease([TapMessageID(1)]))
    }

    @Test func timeoutReleasesAHeldMessage() {
        let clock = ManualClock()
        var reorder = ReorderFault(held: update, releasedBy: offer, timeout: .seconds(2), start: clock.now())
        _ = reorder.decide(message(1, .signalOut, "update", connection: 1, about: ["bob"]), now: clock.now())
        clock.advance(ms: 500)
        _ = reorder.decide(message(2, .signalOut, "update", connection: 2, about: ["bob"]), now: clock.now())
        clock.advance(ms: 1500)
        #expect(reorder.timeAdvanced(to: clock.now()) == [TapMessageID(1)])
        #expect(reorder.nextDeadline == clock.now() + .milliseconds(500))
        clock.advance(ms: 500)
        #expect(reorder.timeAdvanced(to: clock.now()) == [TapMessageID(2)])
        #expect(!reorder.isFinished)
        // The timed-out hold used connection 1's one pair: its next update passes.
        #expect(reorder.decide(message(3, .signalOut, "update", connection: 1, about: ["bob"]), now: clock.now()) == .pass)
    }

    @Test func windowEndFinishesItOnceNothingIsHeld() {
        let clock = ManualClock()
        var reorder = ReorderFault(held: update, releasedBy: offer, pairs: 3, during: .seconds(1), start: clock.now())
        _ = reorder.decide(message(1, .signalOut, "update", connection: 1, about: ["bob"]), now: clock.now())
        clock.advance(ms: 1000)
        #expect(reorder.timeAdvanced(to: clock.now()) == [])
        #expect(!reorder.isFinished)
        #expect(reorder.decide(message(2, .signalOut, "offer", connection: 1), now: clock.now()) == .passAndRelease([TapMessageID(1)]))
        #expect(reorder.isFinished)
    }
}
