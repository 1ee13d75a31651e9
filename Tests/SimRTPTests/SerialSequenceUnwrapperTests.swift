import SimRTP
import Testing

@Suite struct SerialSequenceUnwrapperTests {
    @Test func sequenceWrapsAt65535() {
        var unwrapper = SequenceUnwrapper()
        #expect(unwrapper.extHighest == nil)
        #expect(unwrapper.unwrap(65534) == 131_070)
        #expect(unwrapper.unwrap(65535) == 131_071)
        #expect(unwrapper.unwrap(0) == 131_072)
        #expect(unwrapper.unwrap(1) == 131_073)
        #expect(unwrapper.extHighest == 131_073)
    }

    @Test func reorderingAcrossTheWrapKeepsTheHighest() {
        var unwrapper = SequenceUnwrapper()
        #expect(unwrapper.unwrap(65535) == 131_071)
        #expect(unwrapper.unwrap(1) == 131_073)  // 0 lost or late
        #expect(unwrapper.unwrap(0) == 131_072)  // late, after the wrap
        #expect(unwrapper.unwrap(65534) == 131_070)  // late, before the wrap
        #expect(unwrapper.extHighest == 131_073)
        #expect(unwrapper.unwrap(2) == 131_074)
        #expect(unwrapper.unwrap(2) == 131_074)  // duplicate
    }

    @Test func latePacketFromBeforeTheFirstAcrossTheWrap() {
        var unwrapper = SequenceUnwrapper()
        #expect(unwrapper.unwrap(1) == 65_537)
        #expect(unwrapper.unwrap(65535) == 65_535)
        #expect(unwrapper.extHighest == 65_537)
    }

    @Test func jumpsOfHalfThePeriodOrMoreCountAsOlder() {
        var unwrapper = SequenceUnwrapper()
        #expect(unwrapper.unwrap(0) == 65_536)
        #expect(unwrapper.unwrap(32767) == 98_303)  // just under half ahead: newer
        #expect(unwrapper.unwrap(65535) == 65_535)  // exactly half behind 32767: older
    }

    @Test func timestampsWrapAt32Bits() {
        var unwrapper = TimestampUnwrapper()
        let cycle: UInt64 = 1 << 32
        #expect(unwrapper.unwrap(0xFFFF_FF00) == cycle + 0xFFFF_FF00)
        #expect(unwrapper.unwrap(0x0000_0100) == 2 * cycle + 0x100)
        #expect(unwrapper.unwrap(0xFFFF_FFF0) == cycle + 0xFFFF_FFF0)
        #expect(unwrapper.extHighest == 2 * cycle + 0x100)
    }

    @Test func resetStartsOver() {
        var unwrapper = SequenceUnwrapper()
        _ = unwrapper.unwrap(500)
        unwrapper.reset()
        #expect(unwrapper.extHighest == nil)
        #expect(unwrapper.unwrap(7) == 65_543)
    }
}
