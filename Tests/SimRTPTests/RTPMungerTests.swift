import SimCore
import SimRTP
import Testing

/// `#expect(actual == expected)` for values from mutating calls, which the `#expect` macro cannot capture.
private func check<T: Equatable>(_ actual: T, _ expected: T, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual == expected, sourceLocation: sourceLocation)
}

@Suite struct RTPMungerTests {
    static let ssrc: UInt32 = 0xD0D0_0001

    static func packet(
        _ layer: SimulcastLayer, _ seq: UInt16, _ timestamp: UInt32, keyframe: Bool = false,
        length: Int = 100, pt: UInt8 = 96
    ) -> RTPMunger.IncomingPacket {
        RTPMunger.IncomingPacket(
            layer: layer, sequenceNumber: seq, timestamp: timestamp, payloadType: pt, payloadLength: length,
            isKeyframe: keyframe
        )
    }

    static func forward(_ seq: UInt16, _ timestamp: UInt32, pt: UInt8 = 96) -> RTPMunger.Decision {
        .forward(seq: seq, timestamp: timestamp, ssrc: ssrc, payloadType: pt)
    }

    static func ms(_ value: UInt64) -> SimInstant { SimInstant(nanoseconds: value * 1_000_000) }

    static func munger(initialSequence: UInt16 = 100, initialTimestamp: UInt32 = 7000) -> RTPMunger {
        var munger = RTPMunger(
            ssrc: ssrc, clockRate: 90000, initialSequence: initialSequence, initialTimestamp: initialTimestamp
        )
        munger.targetLayerChanged(to: .high)
        return munger
    }

    @Test func startsOnAKeyframeWithTheInitialValues() {
        var munger = Self.munger()
        #expect(munger.isWaitingForKeyframe)
        check(munger.packetReceived(Self.packet(.high, 999, 4000), now: Self.ms(0)), .drop(.waitingForKeyframe))
        check(munger.packetReceived(Self.packet(.low, 5, 4000, keyframe: true), now: Self.ms(0)), .drop(.layerNotSelected))
        check(munger.packetReceived(Self.packet(.high, 1000, 5000, keyframe: true), now: Self.ms(1)), Self.forward(100, 7000))
        #expect(!munger.isWaitingForKeyframe && munger.currentLayer == .high)
        check(munger.packetReceived(Self.packet(.high, 1001, 5000), now: Self.ms(1)), Self.forward(101, 7000))
        check(munger.packetReceived(Self.packet(.high, 1002, 8000), now: Self.ms(34)), Self.forward(102, 10000))
        check(munger.packetReceived(Self.packet(.high, 999, 4000), now: Self.ms(35)), .drop(.beforeSwitch))
    }

    @Test func outgoingSequenceWrapsAt65535() {
        var munger = Self.munger(initialSequence: 65534)
        check(munger.packetReceived(Self.packet(.high, 10, 0, keyframe: true), now: Self.ms(0)), Self.forward(65534, 7000))
        check(munger.packetReceived(Self.packet(.high, 11, 0), now: Self.ms(0)), Self.forward(65535, 7000))
        check(munger.packetReceived(Self.packet(.high, 12, 0), now: Self.ms(0)), Self.forward(0, 7000))
        check(munger.packetReceived(Self.packet(.high, 13, 0), now: Self.ms(0)), Self.forward(1, 7000))
    }

    @Test func incomingSequenceAndTimestampWrap() {
        var munger = Self.munger(initialSequence: 500, initialTimestamp: 0)
        check(munger.packetReceived(Self.packet(.high, 65535, 0xFFFF_FFFF, keyframe: true), now: Self.ms(0)), Self.forward(500, 0))
        check(munger.packetReceived(Self.packet(.high, 0, 2999), now: Self.ms(33)), Self.forward(501, 3000))
        check(munger.packetReceived(Self.packet(.high, 1, 2999), now: Self.ms(33)), Self.forward(502, 3000))
    }

    @Test func lossGapsArePreservedAndReorderedPacketsMapConsistently() {
        var munger = Self.munger()
        check(munger.packetReceived(Self.packet(.high, 10, 0, keyframe: true), now: Self.ms(0)), Self.forward(100, 7000))
        check(munger.packetReceived(Self.packet(.high, 11, 0), now: Self.ms(0)), Self.forward(101, 7000))
        check(munger.packetReceived(Self.packet(.high, 14, 3000), now: Self.ms(33)), Self.forward(104, 10000))
        check(munger.packetReceived(Self.packet(.high, 13, 0), now: Self.ms(34)), Self.forward(103, 7000))
        check(munger.packetReceived(Self.packet(.high, 13, 0), now: Self.ms(35)), Self.forward(103, 7000))  // duplicate
        check(munger.packetReceived(Self.packet(.high, 15, 3000), now: Self.ms(36)), Self.forward(105, 10000))
        #expect(munger.extLastSequence.map { UInt16(truncatingIfNeeded: $0) } == 105)
        // 12 stays lost: the subscriber sees the gap and NACKs 102.
    }

    @Test func switchesOnlyAtAKeyframeWithContiguousSequenceAndContinuousTimestamps() {
        var munger = RTPMunger(ssrc: Self.ssrc, clockRate: 90000)
        munger.targetLayerChanged(to: .low)
        check(munger.packetReceived(Self.packet(.low, 100, 1000, keyframe: true), now: Self.ms(0)), Self.forward(0, 0))
        check(munger.packetReceived(Self.packet(.low, 101, 4000), now: Self.ms(33)), Self.forward(1, 3000))

        munger.targetLayerChanged(to: .medium)
        #expect(munger.isWaitingForKeyframe && munger.currentLayer == .low)
        check(munger.packetReceived(Self.packet(.medium, 500, 90000), now: Self.ms(40)), .drop(.layerNotSelected))
        check(munger.packetReceived(Self.packet(.low, 102, 7000), now: Self.ms(66)), Self.forward(2, 6000))

        // Keyframe of the target 34 ms after the last new timestamp: 34 ms × 90 kHz = 3060 ticks later.
        check(munger.packetReceived(Self.packet(.medium, 501, 93000, keyframe: true), now: Self.ms(100)), Self.forward(3, 9060))
        #expect(munger.currentLayer == .medium && !munger.isWaitingForKeyframe)
        check(munger.packetReceived(Self.packet(.low, 103, 10000), now: Self.ms(100)), .drop(.layerNotSelected))
        check(munger.packetReceived(Self.packet(.medium, 500, 90000), now: Self.ms(101)), .drop(.beforeSwitch))
        check(munger.packetReceived(Self.packet(.medium, 502, 93000), now: Self.ms(101)), Self.forward(4, 9060))
        check(munger.packetReceived(Self.packet(.medium, 503, 96000), now: Self.ms(133)), Self.forward(5, 12060))

        // Back down, at the same instant as the last new timestamp: the minimum step of 1 tick.
        munger.targetLayerChanged(to: .low)
        check(munger.packetReceived(Self.packet(.low, 104, 13000, keyframe: true), now: Self.ms(133)), Self.forward(6, 12061))
        check(munger.packetReceived(Self.packet(.low, 105, 16000), now: Self.ms(166)), Self.forward(7, 15061))
    }

    @Test func retargetingTheCurrentLayerCancelsAPendingSwitch() {
        var munger = Self.munger()
        check(munger.packetReceived(Self.packet(.high, 1, 0, keyframe: true), now: Self.ms(0)), Self.forward(100, 7000))
        munger.targetLayerChanged(to: .low)
        munger.targetLayerChanged(to: .high)
        #expect(!munger.isWaitingForKeyframe)
        check(munger.packetReceived(Self.packet(.low, 9, 0, keyframe: true), now: Self.ms(1)), .drop(.layerNotSelected))
        check(munger.packetReceived(Self.packet(.high, 2, 0), now: Self.ms(1)), Self.forward(101, 7000))
    }

    @Test func pauseAndResumeKeepTheStreamContinuous() {
        var munger = Self.munger()
        check(munger.packetReceived(Self.packet(.high, 1, 0, keyframe: true), now: Self.ms(0)), Self.forward(100, 7000))
        munger.targetLayerChanged(to: nil)
        #expect(munger.currentLayer == nil && !munger.isWaitingForKeyframe)
        check(munger.packetReceived(Self.packet(.high, 2, 3000), now: Self.ms(33)), .drop(.noTargetLayer))
        munger.targetLayerChanged(to: .high)
        check(munger.packetReceived(Self.packet(.high, 50, 90000), now: Self.ms(1000)), .drop(.waitingForKeyframe))
        // 2 s after the last forwarded frame: 180000 ticks.
        check(munger.packetReceived(Self.packet(.high, 51, 93000, keyframe: true), now: Self.ms(2000)), Self.forward(101, 187_000))
    }

    @Test func paddingIsSkippedWithoutAGap() {
        var munger = Self.munger()
        check(munger.packetReceived(Self.packet(.high, 10, 0, keyframe: true), now: Self.ms(0)), Self.forward(100, 7000))
        check(munger.packetReceived(Self.packet(.high, 12, 0), now: Self.ms(0)), Self.forward(102, 7000))  // 11 late
        check(munger.packetReceived(Self.packet(.high, 13, 0, length: 0), now: Self.ms(1)), .drop(.paddingOnly))
        check(munger.packetReceived(Self.packet(.high, 14, 0), now: Self.ms(2)), Self.forward(103, 7000))
        check(munger.packetReceived(Self.packet(.high, 11, 0), now: Self.ms(3)), Self.forward(101, 7000))
        check(munger.packetReceived(Self.packet(.high, 13, 0, length: 0), now: Self.ms(4)), .drop(.paddingOnly))
        check(munger.packetReceived(Self.packet(.high, 14, 0), now: Self.ms(5)), Self.forward(103, 7000))
        check(munger.packetReceived(Self.packet(.high, 15, 0), now: Self.ms(6)), Self.forward(104, 7000))
    }

    @Test func latePacketFillingAGapIsForwardedEvenIfPaddingOnly() {
        var munger = Self.munger()
        check(munger.packetReceived(Self.packet(.high, 10, 0, keyframe: true), now: Self.ms(0)), Self.forward(100, 7000))
        check(munger.packetReceived(Self.packet(.high, 12, 0), now: Self.ms(0)), Self.forward(102, 7000))
        check(munger.packetReceived(Self.packet(.high, 11, 0, length: 0), now: Self.ms(1)), Self.forward(101, 7000))
    }

    @Test func reorderedPacketOlderThanThePaddingHistoryIsDropped() {
        var munger = Self.munger()
        check(munger.packetReceived(Self.packet(.high, 100, 0, keyframe: true), now: Self.ms(0)), Self.forward(100, 7000))
        let skips = RTPMunger.paddingHistoryCapacity + 1
        for seq in 102..<(102 + UInt16(skips)) {
            check(munger.packetReceived(Self.packet(.high, seq, 0, length: 0), now: Self.ms(1)), .drop(.paddingOnly))
        }
        check(munger.packetReceived(Self.packet(.high, 101, 0), now: Self.ms(2)), .drop(.tooOld))
        check(munger.packetReceived(Self.packet(.high, 102 + UInt16(skips), 0), now: Self.ms(2)), Self.forward(102, 7000))
    }

    @Test func payloadTypesAreMapped() {
        var munger = RTPMunger(
            ssrc: Self.ssrc, clockRate: 90000, payloadTypes: RTPMunger.PayloadTypeMap([96: 100, 97: 101])
        )
        munger.targetLayerChanged(to: .high)
        check(munger.packetReceived(Self.packet(.high, 1, 0, keyframe: true, pt: 96), now: Self.ms(0)), Self.forward(0, 0, pt: 100))
        check(munger.packetReceived(Self.packet(.high, 2, 0, pt: 97), now: Self.ms(0)), Self.forward(1, 0, pt: 101))
        check(munger.packetReceived(Self.packet(.high, 3, 0, pt: 111), now: Self.ms(0)), .drop(.unmappedPayloadType(111)))
        check(munger.packetReceived(Self.packet(.high, 4, 0, pt: 96), now: Self.ms(0)), Self.forward(3, 0, pt: 100))
    }

    @Test func payloadTypeMapLookups() {
        let identity = RTPMunger.PayloadTypeMap.identity
        #expect(identity[111] == 111 && identity[0] == 0 && identity[128] == nil)
        let map = RTPMunger.PayloadTypeMap([111: 111, 96: 98, 200: 1])
        #expect(map[111] == 111 && map[96] == 98 && map[97] == nil && map[200] == nil)
    }
}
