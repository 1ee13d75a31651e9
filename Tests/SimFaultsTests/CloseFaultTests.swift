import SimCore
import Testing
import SimFaults
import SimTestKit

@Suite struct CloseFaultTests {
    @Test func closesInsteadOfTheFirstSelectedMessage() {
        let clock = ManualClock()
        var close = CloseFault(selector: MessageSelector(tap: .controlOut, kinds: ["livekit_room_info"]), mode: .close(CloseCode(1011), reason: "boom"))
        #expect(close.decide(message(1, .controlOut, "queue_position"), now: clock.now()) == .pass)
        #expect(close.decide(message(2, .controlOut, "livekit_room_info"), now: clock.now()) == .close(code: CloseCode(1011), reason: "boom"))
        #expect(close.isFinished)
        #expect(close.decide(message(3, .controlOut, "livekit_room_info"), now: clock.now()) == .pass)
    }

    @Test func abortHasNoCloseFrame() {
        var abort = CloseFault(selector: MessageSelector(tap: .signalOut, kinds: ["reconnect"]), mode: .abort)
        #expect(abort.decide(message(1, .signalOut, "reconnect"), now: .zero) == .abort)
        #expect(abort.summary == "abort instead of signal.out reconnect")
    }
}
