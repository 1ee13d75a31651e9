import SimCore
import Testing
import SimFaults
import SimTestKit

@Suite struct HoldFaultTests {
    let aboutBob = MessageSelector(tap: .signalOut, kinds: ["update"], about: "bob")

    @Test func holdsForADurationThenReleasesInOrder() {
        let clock = ManualClock()
        var hold = HoldFault(selector: aboutBob, duration: .seconds(2), start: clock.now())
        let end = clock.now() + .seconds(2)
        #expect(hold.nextDeadline == end)
        #expect(hold.decide(message(1, .signalOut, "update", about: ["bob"]), now: clock.now()) == .hold(until: .instant(end)))
        #expect(hold.decide(message(2, .signalOut, "update", about: ["alice"]), now: clock.now()) == .pass)
        clock.advance(ms: 1500)
        #expect(hold.decide(message(3, .signalOut, "update", about: ["alice", "bob"]), now: clock.now()) == .hold(until: .instant(end)))
        #expect(hold.heldMessages == [TapMessageID(1), TapMessageID(3)])
        #expect(hold.timeAdvanced(to: clock.now()) == [])
        clock.advance(ms: 500)
        #expect(hold.timeAdvanced(to: clock.now()) == [TapMessageID(1), TapMessageID(3)])
        #expect(hold.isFinished)
        #expect(hold.decide(message(4, .signalOut, "update", about: ["bob"]), now: clock.now()) == .pass)
    }

    @Test func holdsUntilTheNthMatchingEvent() {
        let clock = ManualClock()
        let until = Trigger(pattern: EventPattern(kind: .exact("transport.connected"), identity: "alice"), firing: .occurrence(2))
        var hold = HoldFault(selector: aboutBob, until: until, start: clock.now())
        #expect(hold.nextDeadline == nil)
        #expect(hold.decide(message(1, .signalOut, "update", about: ["bob"]), now: clock.now()) == .hold(until: .event(until, deadline: nil)))
        clock.advance(ms: 100)
        #expect(hold.eventLogged(event(1, 100, "transport.connected", identity: "bob"), now: clock.now()) == [])
        #expect(hold.eventLogged(event(2, 100, "transport.connected", identity: "alice"), now: clock.now()) == [])
        #expect(hold.eventLogged(event(3, 100, "transport.connected", identity: "alice"), now: clock.now()) == [TapMessageID(1)])
        #expect(hold.isFinished)
    }

    @Test func eventOrTimeWhicheverComesFirst() {
        let clock = ManualClock()
        let until = Trigger(pattern: EventPattern(kind: .exact("participant.active")))
        var hold = HoldFault(selector: aboutBob, duration: .seconds(1), until: until, start: clock.now())
        _ = hold.decide(message(1, .signalOut, "update", about: ["bob"]), now: clock.now())
        clock.advance(ms: 1000)
        #expect(hold.timeAdvanced(to: clock.now()) == [TapMessageID(1)])
        #expect(hold.eventLogged(event(1, 1000, "participant.active"), now: clock.now()) == [])
    }

    @Test func maxHeldLetsLaterMessagesPass() {
        var hold = HoldFault(selector: aboutBob, duration: .seconds(1), maxHeld: 1, start: .zero)
        #expect(hold.decide(message(1, .signalOut, "update", about: ["bob"]), now: .zero) != .pass)
        #expect(hold.decide(message(2, .signalOut, "update", about: ["bob"]), now: .zero) == .pass)
    }
}
