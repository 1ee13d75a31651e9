import SimCore
import Testing
import SimFaults
import SimTestKit

@Suite struct DropFaultTests {
    let updates = MessageSelector(tap: .signalOut, kinds: ["update"], identity: "alice")

    @Test func dropsOnlySelectedMessages() {
        let clock = ManualClock()
        var drop = DropFault(selector: updates, start: clock.now())
        #expect(drop.decide(message(1, .signalOut, "update", identity: "alice"), now: clock.now()) == .drop)
        #expect(drop.decide(message(2, .signalOut, "join", identity: "alice"), now: clock.now()) == .pass)
        #expect(drop.decide(message(3, .signalOut, "update", identity: "bob"), now: clock.now()) == .pass)
        #expect(drop.decide(message(4, .signalIn, "update", identity: "alice"), now: clock.now()) == .pass)
        #expect(!drop.isFinished)
    }

    @Test func nthDropsExactlyThatOneThenFinishes() {
        let clock = ManualClock()
        var drop = DropFault(selector: updates, selection: .nth(2), start: clock.now())
        let verdicts = (1...4).map { drop.decide(message(UInt64($0), .signalOut, "update", identity: "alice"), now: clock.now()) }
        #expect(verdicts == [.pass, .drop, .pass, .pass])
        #expect(drop.isFinished)
    }

    @Test func everyNthDropsEachNth() {
        let clock = ManualClock()
        var drop = DropFault(selector: updates, selection: .every(3), start: clock.now())
        let dropped = (1...9).filter { drop.decide(message(UInt64($0), .signalOut, "update", identity: "alice"), now: clock.now()) == .drop }
        #expect(dropped == [3, 6, 9])
    }

    @Test func percentIsSeededAndRepeatable() {
        func run(seed: UInt64) -> [Bool] {
            var drop = DropFault(selector: updates, selection: .percent(Percentage(30)), seed: seed, start: .zero)
            return (1...2000).map { drop.decide(message(UInt64($0), .signalOut, "update", identity: "alice"), now: .zero) == .drop }
        }
        let a = run(seed: 9)
        #expect(a == run(seed: 9))
        #expect(a != run(seed: 10))
        let share = Double(a.filter { $0 }.count) / Double(a.count)
        #expect(abs(share - 0.30) < 0.04)
    }

    @Test func countAndWindowEndTheDrop() {
        let clock = ManualClock()
        var counted = DropFault(selector: updates, limits: FaultLimits(count: 2), start: clock.now())
        let verdicts = (1...3).map { counted.decide(message(UInt64($0), .signalOut, "update", identity: "alice"), now: clock.now()) }
        #expect(verdicts == [.drop, .drop, .pass])
        #expect(counted.isFinished)

        var timed = DropFault(selector: updates, limits: FaultLimits(during: .seconds(1)), start: clock.now())
        #expect(timed.nextDeadline == clock.now() + .seconds(1))
        clock.advance(ms: 999)
        #expect(timed.decide(message(4, .signalOut, "update", identity: "alice"), now: clock.now()) == .drop)
        clock.advance(ms: 1)
        #expect(timed.decide(message(5, .signalOut, "update", identity: "alice"), now: clock.now()) == .pass)
        #expect(!timed.isFinished)
        _ = timed.timeAdvanced(to: clock.now())
        #expect(timed.isFinished)
        #expect(timed.nextDeadline == nil)
    }
}
